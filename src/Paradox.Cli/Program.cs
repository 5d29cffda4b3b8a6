using Paradox;
using Paradox.Cli;

TorchRuntime.PrepareProcess(); // before anything loads libtorch

return App.BuildRoot().Parse(args).Invoke();
