using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>
/// The canonical config hash: settings at their default, identity fields (label, paths, device, threads) and key order do
/// not count, so a new setting never changes the hash of a stored run; runs hashed the old way still resume.
/// </summary>
public sealed class ConfigHashTests
{
    /// <summary>config.json of a run as written before the hash was canonical (and before the milp settings existed).</summary>
    const string StoredConfig = """
        {
          "label": "mnist-FC-crown-ibp",
          "seed": 100,
          "device": "cpu",
          "threads": 2,
          "mode": "train-provable",
          "dataset": "mnist",
          "net": "FC",
          "data_dir": null,
          "main_dir": "runs",
          "load_model": null,
          "train_domain": "crown-ibp",
          "crown_variant": null,
          "soft_slope_gamma": null,
          "zono_kappa": null,
          "loosebox_widen": null,
          "loosebox_round": null,
          "dcs_per_one": 1,
          "batch_size": 50,
          "batch_pieces": 1,
          "percent": 100,
          "n_train": null,
          "init_method": "default",
          "unnormalized": false,
          "relu6": false,
          "do_transform": false,
          "eps_train": 0.3,
          "c": "diffs",
          "reg": null,
          "reg_lambda": 0,
          "n_epochs": 200,
          "warmup_epochs": 0,
          "mix_epochs": 50,
          "eps1": 0,
          "kappa1": 1,
          "kappa2": 0,
          "beta1": 1,
          "beta2": 0,
          "opt": "adam",
          "lr": 0.0005,
          "lr_milestones": [
            130,
            190
          ],
          "ibp_scheduling": false,
          "tenhalf": false,
          "pgd_steps": 100,
          "pgd_step_size": 0.01,
          "eps_test": [
            0.1,
            0.3
          ],
          "verify_domains": [
            "box",
            "crown-ibp"
          ],
          "verify_max_tests": 1000,
          "skip": -1,
          "save_every": 5
        }
        """;

    static TrainConfig Stored => TrainConfig.FromJson(StoredConfig, "stored config.json");

    [Fact]
    public void The_hash_of_a_stored_config_is_pinned() => Assert.Equal("000f53013ec9f5b4", Stored.Hash());

    [Fact]
    public void A_stored_config_still_matches_the_hash_its_checkpoints_were_written_with()
    {
        // values computed by the hash before it was canonical (commit 0cba7d3), for this config and with --lr_step_epochs 4
        Assert.Equal("b9d4f1faedff6a3c", Stored.LegacyHash());
        Assert.Equal("ae267fda5e1630d8", (Stored with { LrStepEpochs = 4 }).LegacyHash());
        Assert.True(Stored.HasHash("b9d4f1faedff6a3c"));
        Assert.True(Stored.HasHash(Stored.Hash()));
    }

    [Fact]
    public void Settings_that_do_not_change_the_weights_do_not_change_the_hash()
    {
        var moved = Stored with { Label = "other", MainDir = "/elsewhere", DataDir = "data", Threads = 7, Device = "cuda" };
        moved = moved with { SaveEvery = 1, SaveMinutes = 2 };
        Assert.Equal(Stored.Hash(), moved.Hash());
        Assert.Equal(Stored.LegacyHash(), moved.LegacyHash()); // old checkpoints resume whatever --save_minutes says
    }

    [Fact]
    public void A_setting_at_its_default_is_left_out_and_any_other_value_counts()
    {
        Assert.Equal(Stored.Hash(), (Stored with { MilpTimeLimit = null, MilpMaxRelus = null }).Hash());
        Assert.NotEqual(Stored.Hash(), (Stored with { MilpTimeLimit = 7 }).Hash());
        Assert.NotEqual(Stored.Hash(), (Stored with { Lr = 1e-3 }).Hash());
        Assert.NotEqual(Stored.Hash(), (Stored with { LrStepEpochs = 4 }).Hash());
        Assert.Null((Stored with { MilpTimeLimit = 7 }).LegacyHash());   // no old checkpoint can have this setting
        // the default config hashes the empty object
        Assert.Equal(new TrainConfig { Label = "x" }.Hash(), new TrainConfig().Hash());
    }
}
