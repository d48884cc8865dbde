namespace SbirLab.Core.Configs;

/// <summary>
/// A config checked at the start of its execution (<see cref="ConfigValidator.ForStart"/>), the second of the two
/// validation boundaries (the first is the queue: <c>RunStore.Queue</c>, which every front end passes). Only the
/// validator makes one, so an executor, the trainer and the factories below it take it as checked and check nothing
/// again: a field's range, the paths' roots and the machine's facts (the data folders exist here) were all checked
/// once, on the machine that trains.
/// </summary>
public sealed class ValidatedConfig
{
    internal ValidatedConfig(RunConfig config) => Config = config;

    public RunConfig Config { get; }
}
