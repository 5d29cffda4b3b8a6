using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Training;

public class RunStoreTests : IDisposable
{
    const string Results = """{"n": 100, "eps": 0.1, "standard_accuracy": 0.98, "certified": {"box": 0.91}}""";

    readonly ScratchDir dir = new();
    string DbPath => dir.File(RunStore.FileName);

    public void Dispose() => dir.Dispose();

    static TrainConfig Config(string dataset = "mnist", string net = "FC", string? domain = "box", double? eps = 0.1) =>
        new() { Dataset = dataset, Net = net, TrainDomain = domain, EpsTrain = eps };

    RunStore Open() => RunStore.Open(dir.Path);

    void Begin(RunStore store, string label, TrainConfig? config = null) =>
        store.Begin(label, Path.Combine(dir.Path, label), (config ?? Config()) with { Label = label });

    /// <summary>Reads runs.db with a connection of its own, as another process would.</summary>
    T Raw<T>(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    [Fact]
    public void Native_sqlite_loads()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        Assert.StartsWith("3.", (string)command.ExecuteScalar()!);
    }

    [Fact]
    public void Open_creates_a_versioned_database_in_wal_mode()
    {
        using (Open()) { }
        Assert.True(File.Exists(DbPath));
        Assert.Equal(1L, Raw<long>("PRAGMA user_version"));
        Assert.Equal("wal", Raw<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public void Begin_progress_finish()
    {
        using var store = Open();
        var config = Config() with { Label = "a" };
        var before = DateTime.UtcNow.AddSeconds(-1);
        store.Begin("a", dir.File("a"), config);

        var run = store.Get("a")!;
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(Environment.ProcessId, run.Pid);
        Assert.Equal(Environment.MachineName, run.Host);
        Assert.Equal(dir.File("a"), run.RunDir);
        Assert.Equal(config.Hash(), run.ConfigHash);
        Assert.Equal(config.ToJson(), run.ConfigJson);
        Assert.Equal("a", run.Config.Label);
        Assert.InRange(run.StartedAt, before, DateTime.UtcNow);
        Assert.Equal(DateTimeKind.Utc, run.StartedAt.Kind);
        Assert.Null(run.EndedAt);

        store.Progress("a", 3);
        Assert.Equal(3, store.Get("a")!.EpochsDone);

        store.Finish("a", Results);
        run = store.Get("a")!;
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal(Results, run.ResultsJson);
        Assert.NotNull(run.EndedAt);
        Assert.InRange(run.EndedAt!.Value, run.StartedAt, DateTime.UtcNow);
        Assert.Null(run.Error);
    }

    [Fact]
    public void Fail_records_the_message()
    {
        using var store = Open();
        Begin(store, "a");
        store.Fail("a", "loss is NaN at epoch 4");
        var run = store.Get("a")!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("loss is NaN at epoch 4", run.Error);
        Assert.NotNull(run.EndedAt);
    }

    [Fact]
    public void MarkKilled_ends_the_run()
    {
        using var store = Open();
        Begin(store, "a");
        store.MarkKilled("a");
        Assert.Equal(RunStatus.Killed, store.Get("a")!.Status);
        Assert.NotNull(store.Get("a")!.EndedAt);
    }

    [Fact]
    public void Resume_keeps_the_start_time_and_clears_the_previous_outcome()
    {
        using var store = Open();
        Begin(store, "a");
        store.Progress("a", 2);
        store.Fail("a", "out of memory");
        var first = store.Get("a")!;

        Begin(store, "a", Config(eps: 0.2));
        var resumed = store.Get("a")!;
        Assert.Equal(RunStatus.Running, resumed.Status);
        Assert.Equal(first.StartedAt, resumed.StartedAt);
        Assert.Equal(2, resumed.EpochsDone);
        Assert.Null(resumed.EndedAt);
        Assert.Null(resumed.Error);
        Assert.Equal(0.2, resumed.Config.EpsTrain);
        Assert.NotEqual(first.ConfigHash, resumed.ConfigHash);
    }

    [Fact]
    public void A_second_begin_while_the_run_is_alive_is_refused()
    {
        using var store = Open();
        Begin(store, "a");
        var e = Assert.Throws<ParadoxException>(() => Begin(store, "a"));
        Assert.Equal($"run a is already running (pid {Environment.ProcessId})", e.Message);
    }

    [Fact]
    public void A_run_whose_process_has_exited_is_reported_killed_and_written_back()
    {
        using var exited = Process.Start("true");
        exited.WaitForExit();
        using var store = Open();
        store.Begin("a", dir.File("a"), Config(), exited.Id);
        store.Progress("a", 5);

        var run = store.Get("a")!;
        Assert.Equal(RunStatus.Killed, run.Status);
        Assert.NotNull(run.EndedAt);
        Assert.Equal(5, run.EpochsDone);
        Assert.Equal("killed", Raw<string>("SELECT status FROM runs WHERE label = 'a'"));
        Assert.Equal(["a"], store.List(new RunFilter { Status = RunStatus.Killed }).Select(r => r.Label));

        Begin(store, "a");
        Assert.Equal(RunStatus.Running, store.Get("a")!.Status);
    }

    [Fact]
    public void Updates_of_an_unknown_label_name_the_label_and_the_database()
    {
        using var store = Open();
        Assert.Null(store.Get("nope"));
        foreach (var update in new Action[] { () => store.Progress("nope", 1), () => store.Finish("nope", Results),
            () => store.Fail("nope", "x"), () => store.MarkKilled("nope") })
        {
            var e = Assert.Throws<ParadoxException>(update);
            Assert.Equal($"run nope is not in {DbPath}", e.Message);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"n\": ")]
    [InlineData("0.5")]
    public void Finish_wants_a_json_object_or_array(string results)
    {
        using var store = Open();
        Begin(store, "a");
        var e = Assert.Throws<ParadoxException>(() => store.Finish("a", results));
        Assert.Contains("run a", e.Message);
        Assert.Equal(RunStatus.Running, store.Get("a")!.Status);
    }

    [Fact]
    public void Filters()
    {
        using var store = Open();
        Begin(store, "mnist-box", Config("mnist", "FC", "box"));
        Begin(store, "mnist-crown-soft", Config("mnist", "CONV", "crown:soft"));
        Begin(store, "fmnist-crown", Config("fashion-mnist", "CONV", "crown"));
        Begin(store, "cifar-natural", Config("cifar10", "CONV", null));
        store.Finish("mnist-box", Results);
        store.Fail("fmnist-crown", "diverged");

        string[] Labels(RunFilter filter) => store.List(filter).Select(r => r.Label).ToArray();
        Assert.Equal(["mnist-box", "mnist-crown-soft", "fmnist-crown", "cifar-natural"], Labels(RunFilter.All));
        Assert.Equal(["mnist-crown-soft", "cifar-natural"], Labels(new RunFilter { Status = RunStatus.Running }));
        Assert.Equal(["mnist-box", "mnist-crown-soft", "fmnist-crown"], Labels(new RunFilter { Label = "mnist" }));
        Assert.Equal(["mnist-box", "mnist-crown-soft"], Labels(new RunFilter { Label = "mnist-*" }));
        Assert.Equal(["mnist-box"], Labels(new RunFilter { Label = "?nist-b*" }));
        Assert.Equal(["fmnist-crown"], Labels(new RunFilter { Dataset = "fmnist" }));
        Assert.Equal(["mnist-crown-soft", "fmnist-crown", "cifar-natural"], Labels(new RunFilter { Net = "conv" }));
        Assert.Equal(["mnist-crown-soft", "fmnist-crown"], Labels(new RunFilter { TrainDomain = "crown" }));
        Assert.Equal(["mnist-crown-soft"], Labels(new RunFilter { TrainDomain = "CROWN:soft" }));
        Assert.Equal(["mnist-crown-soft"], Labels(new RunFilter { Dataset = "mnist", Net = "CONV", Status = RunStatus.Running }));
        Assert.Empty(Labels(new RunFilter { Label = "svhn" }));
    }

    [Fact]
    public void An_unknown_dataset_in_a_filter_is_an_error()
    {
        using var store = Open();
        var e = Assert.Throws<ParadoxException>(() => store.List(new RunFilter { Dataset = "imagenet" }));
        Assert.Contains("imagenet", e.Message);
    }

    [Fact]
    public void Two_stores_write_the_same_file_concurrently()
    {
        const int runsPerWriter = 40;
        using var first = Open();
        using var second = Open();
        void Write(RunStore store, string prefix)
        {
            for (int i = 0; i < runsPerWriter; i++)
            {
                var label = $"{prefix}{i}";
                Begin(store, label);
                store.Progress(label, 1);
                store.Finish(label, Results);
            }
        }
        Parallel.Invoke(() => Write(first, "x"), () => Write(second, "y"));

        var runs = first.List(RunFilter.All);
        Assert.Equal(2 * runsPerWriter, runs.Count);
        Assert.All(runs, r => Assert.Equal((RunStatus.Finished, 1), (r.Status, r.EpochsDone)));
        Assert.Equal(2 * runsPerWriter, second.List(new RunFilter { Status = RunStatus.Finished }).Count);
    }

    [Fact]
    public void A_corrupt_database_is_an_error_naming_the_file()
    {
        File.WriteAllText(DbPath, string.Concat(Enumerable.Repeat("these are not the pages of an SQLite database\n", 100)));
        var e = Assert.Throws<ParadoxException>(Open);
        Assert.StartsWith(DbPath + ": ", e.Message);
    }

    [Fact]
    public void A_main_dir_that_cannot_be_created_is_an_error_naming_the_database()
    {
        var file = dir.File("plain-file");
        File.WriteAllText(file, "");
        var e = Assert.Throws<ParadoxException>(() => RunStore.Open(Path.Combine(file, "runs")));
        Assert.StartsWith(RunStore.PathIn(Path.Combine(file, "runs")) + ": ", e.Message);
    }

    [Fact]
    public void A_database_of_a_newer_schema_is_refused()
    {
        using (Open()) { }
        Raw<object?>("PRAGMA user_version = 2");
        var e = Assert.Throws<ParadoxException>(Open);
        Assert.Contains("schema version 2", e.Message);
        Assert.StartsWith(DbPath, e.Message);
    }
}
