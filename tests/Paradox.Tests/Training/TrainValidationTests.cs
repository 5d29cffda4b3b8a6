using Paradox.Tests.Cli;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>An invalid setting ends `cert` with exit code 2 and one `error:` line that names the flag.</summary>
[Collection(CliRunner.Collection)]
public class TrainValidationTests
{
    /// <summary>The paper's MNIST FC Box run, valid as it is.</summary>
    static readonly FlagLine Valid = FlagLine.Parse(
        "--label mnist-FC-box --seed 10 --mode train-provable --dataset mnist --net FC --train_domain box --batch_size 100 " +
        "--eps_train 0.3 --eps_test 0.3 --reg L1 --reg_lambda 5e-06 --C diffs --n_epochs 200 --warmup_epochs 10 " +
        "--mix_epochs 100 --lr 0.0005 --lr_milestones 130,190 --kappa2 0 --verify_domains box");

    static string Fails(FlagLine line)
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput(["cert", .. line.ToArgs(), "--dry_run"]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var error = Assert.Single(errors);
        Assert.StartsWith("error: ", error);
        return error;
    }

    [Fact]
    public void The_valid_line_passes() =>
        Assert.Equal(0, CliRunner.Run(["cert", .. Valid.ToArgs(), "--device", "cpu", "--dry_run"]).ExitCode);

    [Theory]
    [InlineData("--train_domain boxx", "--train_domain")]
    [InlineData("--verify_domains box,zonoo", "--verify_domains")]
    [InlineData("--verify_domains box box", "--verify_domains")]
    [InlineData("--net resnet", "--net")]
    [InlineData("--dataset imagenet", "--dataset")]
    [InlineData("--init_method he", "--init_method")]
    [InlineData("--opt rmsprop", "--opt")]
    [InlineData("--C full", "--C")]
    [InlineData("--reg L3", "--reg")]
    [InlineData("--mode train-fast", "--mode")]
    [InlineData("--crown_variant 2 --train_domain deeppoly --verify_domains deeppoly", "--crown_variant")]
    [InlineData("--crown_variant 0", "--crown_variant")]
    [InlineData("--eps_train -0.1", "--eps_train")]
    [InlineData("--eps_train NaN", "--eps_train")]
    [InlineData("--eps_test 0.1,-0.3", "--eps_test")]
    [InlineData("--eps_test 0.1 x", "--eps_test")]
    [InlineData("--eps1 -0.01", "--eps1")]
    [InlineData("--n_epochs -1", "--n_epochs")]
    [InlineData("--warmup_epochs -1", "--warmup_epochs")]
    [InlineData("--mix_epochs -5", "--mix_epochs")]
    [InlineData("--lr -0.001", "--lr")]
    [InlineData("--lr 0", "--lr")]
    [InlineData("--lr_milestones 130,-190", "--lr_milestones")]
    [InlineData("--lr_milestones 130,x", "--lr_milestones")]
    [InlineData("--reg_lambda -1e-6", "--reg_lambda")]
    [InlineData("--batch_size 0", "--batch_size")]
    [InlineData("--batch_pieces 0", "--batch_pieces")]
    [InlineData("--batch_pieces 101", "--batch_pieces")]
    [InlineData("--percent 0", "--percent")]
    [InlineData("--percent 101", "--percent")]
    [InlineData("--kappa1 1.5", "--kappa1")]
    [InlineData("--kappa2 -0.1", "--kappa2")]
    [InlineData("--beta1 2", "--beta1")]
    [InlineData("--beta2 -1", "--beta2")]
    [InlineData("--pgd_steps -1", "--pgd_steps")]
    [InlineData("--pgd_step_size -0.01", "--pgd_step_size")]
    [InlineData("--verify_max_tests 0", "--verify_max_tests")]
    [InlineData("--skip -2", "--skip")]
    [InlineData("--save_every 0", "--save_every")]
    [InlineData("--save_minutes -1", "--save_minutes")]
    [InlineData("--threads 0", "--threads")]
    [InlineData("--device tpu", "--device")]
    [InlineData("--label a/b", "--label")]
    [InlineData("--setting other", "--setting")]
    [InlineData("--mode eval", "--load_model")]
    public void Invalid_setting_names_its_flag(string change, string flag) =>
        Assert.StartsWith($"error: {flag}", Fails(Valid.With(change)));

    [Theory]
    [InlineData("--train_domain")]
    [InlineData("--eps_train")]
    public void Train_provable_needs_a_domain_and_a_radius(string flag) =>
        Assert.StartsWith($"error: {flag}", Fails(Valid.Without(flag)));

    [Theory]
    [InlineData("--label")]
    [InlineData("--mode")]
    [InlineData("--dataset")]
    [InlineData("--net")]
    [InlineData("--verify_domains")]
    public void Cert_requires_what_cert_py_requires(string flag) =>
        Assert.Equal($"error: {flag} is required (as in cert.py)", Fails(Valid.Without(flag)));

    [Fact]
    public void Train_pgd_needs_a_radius() =>
        Assert.StartsWith("error: --eps_train", Fails(Valid.With("--mode train-pgd").Without("--eps_train")));

    [Theory]
    [InlineData("triangle")]
    [InlineData("milp")]
    public void Certification_only_domains_cannot_train(string domain)
    {
        var error = Fails(Valid.With($"--train_domain {domain}"));
        Assert.StartsWith($"error: --train_domain: domain '{domain}' is certification only: not differentiable", error);
    }

    [Fact]
    public void Certification_only_domains_can_verify() =>
        Assert.Equal(0,
            CliRunner.Run(["cert", .. Valid.With("--verify_domains box,triangle,milp").ToArgs(), "--device", "cpu", "--dry_run"]).ExitCode);

    [Fact]
    public void Regression_is_not_supported() =>
        Assert.Equal("error: --setting regression: only classification is supported", Fails(Valid.With("--setting regression")));

    [Fact]
    public void Relu6_is_not_supported() =>
        Assert.Equal("error: --relu6 is not supported by the Paradox engines yet", Fails(Valid.With("--relu6")));

    [Theory]
    [InlineData("mnist")]
    [InlineData("fashion-mnist")]
    public void Augmentation_is_for_cifar_and_svhn_only(string dataset) =>
        Assert.StartsWith("error: --do_transform", Fails(Valid.With($"--dataset {dataset} --do_transform")));

    [Theory]
    [InlineData("cifar10")]
    [InlineData("svhn")]
    public void Augmentation_of_cifar_and_svhn_is_accepted(string dataset) =>
        Assert.Equal(0,
            CliRunner.Run(["cert", .. Valid.With($"--dataset {dataset} --do_transform --device cpu").ToArgs(), "--dry_run"]).ExitCode);

    [Fact]
    public void Warm_up_and_ramp_may_exceed_the_epochs() =>
        Assert.Equal(0,
            CliRunner.Run(["cert", .. Valid.With("--n_epochs 20 --warmup_epochs 10 --mix_epochs 100 --device cpu").ToArgs(), "--dry_run"])
                .ExitCode);
}
