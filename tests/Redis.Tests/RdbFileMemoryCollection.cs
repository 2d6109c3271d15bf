namespace DisasterRecovery.Redis.Tests;

/// <summary>Runs alone: <see cref="RdbFileMemoryTests"/> counts every byte the process allocates while it reads.</summary>
[CollectionDefinition(nameof(RdbFileMemoryTests), DisableParallelization = true)]
public sealed class RdbFileMemoryCollection;
