using ChaseBot.Worker.CommandLine;

// With a verb (import, status, run-once) the Worker runs it and exits; with none it runs as a service.
return await WorkerCommandLine.RunAsync(args, Console.Out, Console.Error);
