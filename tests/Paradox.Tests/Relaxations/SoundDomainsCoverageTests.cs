using Paradox.Relaxations;
using Xunit;

namespace Paradox.Tests.Relaxations;

/// <summary>The soundness suite's hand-written list cannot fall behind the catalogue: a new domain must be added to it.</summary>
public sealed class SoundDomainsCoverageTests
{
    [Fact]
    public void Every_catalogue_domain_is_in_the_soundness_suite()
    {
        var covered = SoundDomains.All.Concat(SoundDomains.Estimates).Select(RelaxationCatalog.DomainOf).ToHashSet();
        var missing = RelaxationCatalog.Available.Select(d => d.Name)
            .Where(name => !covered.Contains(name) && !SoundDomains.CoveredElsewhere.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, $"not in SoundDomains.All (or Estimates): {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_listed_name_is_a_catalogue_domain_and_estimates_are_the_estimating_ones()
    {
        foreach (var name in SoundDomains.All.Concat(SoundDomains.Estimates).Concat(SoundDomains.CoveredElsewhere.Keys))
            Assert.NotNull(RelaxationCatalog.DomainOf(name));
        foreach (var name in SoundDomains.All)
            Assert.False(RelaxationCatalog.Create(name).IsEstimate, $"{name} is an estimate, not a certificate");
        foreach (var name in SoundDomains.Estimates) Assert.True(RelaxationCatalog.Create(name).IsEstimate, $"{name} is not an estimate");
    }
}
