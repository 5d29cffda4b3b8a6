using Paradox.Cli;

return App.BuildRoot().Parse(args).Invoke();
