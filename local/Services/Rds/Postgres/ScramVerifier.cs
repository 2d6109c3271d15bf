using System.Security.Cryptography;
using System.Text;

namespace DisasterRecovery.LocalRds.Postgres;

/// <summary>
/// Builds PostgreSQL's SCRAM-SHA-256 password verifier (RFC 5802/7677, as <c>pg_authid.rolpassword</c> keeps it),
/// so a master password is set with <c>ALTER ROLE … PASSWORD 'SCRAM-SHA-256$…'</c>: the password itself never
/// reaches the server, its log, a file or a command line.
/// </summary>
internal static class ScramVerifier
{
    private const int Iterations = 4096;

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
