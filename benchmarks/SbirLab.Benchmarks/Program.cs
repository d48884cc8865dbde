using SbirLab.Benchmarks;

// Benchmarks print figures; they are not tests. Each names its peer and prints ratios measured in the same run.
var name = args.Length > 0 ? args[0] : "help";
var rest = args.Skip(1).ToArray();
switch (name)
{
    case "train-step": TrainStepBenchmark.Run(rest); break;
    case "epoch": EpochBenchmark.Run(rest); break;
    case "epoch-run": EpochBenchmark.RunOurs(rest); break; // the epoch benchmark's child process
    case "store": StoreBenchmark.Run(rest); break;
    case "store-workers": StoreWorkersBenchmark.Run(rest); break;
    case "evaluation": EvaluationBenchmark.Run(rest); break;
    case "hnsw": HnswBenchmark.Run(rest); break;
    case "cache": CacheBenchmark.Run(rest); break;
    case "search": SketchSearchBenchmark.Run(rest); break;
    case "web-watchers": WebWatchersBenchmark.Run(rest); break;
    case "charts": ChartsBenchmark.Run(rest); break;
    default:
        Console.WriteLine("usage: dotnet run -c Release --project benchmarks/SbirLab.Benchmarks -- <benchmark> [options]");
        Console.WriteLine("  train-step [--steps N] [--loss ce|triplet]   seed-004 ConvNet step time vs PyTorch (python3-torch)");
        Console.WriteLine("  epoch [--epochs 2] [--train-limit 10000] [--alternations 2] [--losses ce,triplet,smooth-ap]   s/epoch and peak RSS vs PyTorch");
        Console.WriteLine("  evaluation [queries] [gallery] [dim]         vectorised mAP and top-K vs a brute-force loop");
        Console.WriteLine("  hnsw [--million]                             HNSW recall@10 and query time vs exact search, 10k/100k × 512-D");
        Console.WriteLine("  cache                                        images/s of epoch 2 (memory-mapped cache) vs epoch 1 (decode)");
        Console.WriteLine("  search [--queries 200] [--clients 20] [--data DIR]  stroke end → results on the page (Chromium) p50/p95; server queries/s with 20 clients");
        Console.WriteLine("  web-watchers [--watchers 20] [--steps 150] [--repeats 2] [--no-pin] [--out dir]   training slowdown and lab memory with browsers watching");
        Console.WriteLine("  charts [--runs 2000] [--long 50] [--steps 100000] [--repeats 5] [--data DIR]   runs page render, compare of the long runs, zoom refined (Chromium); lab memory");
        Console.WriteLine("  store [--points N] [--steps N] [--repeats N]   metric points written per second; training slowdown from logging every step");
        Console.WriteLine("  store-workers [--points N] [--claims N] [--postgres CONNECTION]   points/s by 1, 2, 4 writers and claim p50/p95 with 4 workers, SQLite and PostgreSQL");
        break;
}
