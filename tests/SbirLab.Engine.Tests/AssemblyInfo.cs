// Torch's global generator is process-wide: tests that seed it and initialise weights must not
// interleave with tests that draw from it, so the engine's tests run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
