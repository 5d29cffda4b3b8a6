namespace Paradox;

/// <summary>
/// An error caused by the user's input (a file, a flag, a model): its message is one line that names the
/// file or flag, and the command-line app prints it without a stack trace and exits non-zero.
/// </summary>
public sealed class ParadoxException(string message, Exception? inner = null) : Exception(message, inner);
