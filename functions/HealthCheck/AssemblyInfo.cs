[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("DisasterRecovery.HealthCheck.Tests")]
