using Paradox.Certification;
using Paradox.Networks;

namespace Paradox.Training;

/// <summary>
/// What a display sees of a <see cref="TrainingRun"/>. Every member has a silent default, so a caller (the CLI,
/// the reproduction, a test) overrides only what it shows.
/// </summary>
public interface ITrainingRunObserver
{
    /// <summary>A resumed run loaded <paramref name="checkpoint"/>.</summary>
    void Resumed(string checkpoint, TrainingPosition position) { }

    /// <summary>
    /// Wraps the training of one epoch: call <paramref name="train"/> once, with a per-step callback or null, and
    /// return what it returns (null when the epoch was stopped).
    /// </summary>
    EpochMetrics? Epoch(int epoch, int epochs, TrainingPosition start, int batchesPerEpoch,
        Func<Action<StepReport>?, EpochMetrics?> train) =>
        train(null);

    /// <summary>An epoch finished; its row is in metrics.csv and its checkpoint (if due) is written.</summary>
    void EpochDone(EpochMetrics metrics, int epochs) { }

    /// <summary>Wraps the evaluation at one radius: call <paramref name="evaluate"/> once with a progress callback
    /// (images done) or null.</summary>
    EvaluationResult Evaluate(double eps, int images, Func<Action<int>?, EvaluationResult> evaluate) => evaluate(null);

    /// <summary>The evaluation at one radius finished.</summary>
    void Evaluated(EvaluationResult result, Network network) { }
}
