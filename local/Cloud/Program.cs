using DisasterRecovery.LocalCloud.Cli;

// local/dr runs this: the local cloud's command line.
return await LocalCloudCli.RunAsync(args, CliConsole.System);
