namespace Paradox.Training;

/// <summary>
/// Training modes of the paper's `cert.py`; the kebab-case name is the `--mode` value. Each training mode has its
/// method in <see cref="Methods.TrainingMethodCatalog"/>.
/// </summary>
public enum TrainMode { TrainProvable, TrainNatural, TrainPgd, Eval }
