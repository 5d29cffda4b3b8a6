using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>`train-natural`: the cross-entropy on clean inputs. Its schedule is the study's with kappa fixed at 1.</summary>
public sealed class NaturalTraining : ITrainingMethod
{
    public static IReadOnlyList<ScheduleCoefficient> Coefficients(TrainConfig c) =>
        [.. ScheduleCoefficient.Study(c).Select(k => k.Name == "kappa" ? k with { Start = 1, End = 1 } : k)];

    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues schedule)
    {
        var logits = network.Forward(x);
        var natural = nn.functional.cross_entropy(logits, y);
        return new LossParts(natural, natural, null, logits, null);
    }
}
