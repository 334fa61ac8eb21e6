using Adversa.Cli;

return Cli.Invoke(Cli.BuildRoot(), args);
