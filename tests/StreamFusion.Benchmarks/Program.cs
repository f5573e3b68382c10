using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/StreamFusion.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
