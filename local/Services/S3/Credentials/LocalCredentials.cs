using System.Security.Cryptography;

namespace DisasterRecovery.LocalS3.Credentials;

/// <summary>An access key pair for the local endpoint.</summary>
/// <param name="AccessKeyId">The public half, safe to print.</param>
/// <param name="SecretAccessKey">The secret half: never logged or printed.</param>
/// <param name="FilePath">The credentials file they came from, when they came from one.</param>
internal sealed record LocalCredentials(string AccessKeyId, string SecretAccessKey, string? FilePath);

/// <summary>
/// The credentials file in the state folder, in the AWS shared-credentials format so the AWS CLI and
/// other S3 tools can use it directly (AWS_SHARED_CREDENTIALS_FILE=&lt;state&gt;/credentials, profile local-s3).
/// Generated with random keys on first start, readable by its owner only (mode 0600).
/// </summary>
internal static class CredentialsFile
{
    public const string FileName = "credentials";
    public const string ProfileName = "local-s3";
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static LocalCredentials LoadOrCreate(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, FileName);
        if (File.Exists(path))
        {
            return Read(path);
        }

        var credentials = new LocalCredentials(
            "LKIA" + RandomNumberGenerator.GetString(KeyAlphabet, 16),
            RandomNumberGenerator.GetString(SecretAlphabet, 40),
            path);
        var content = $"""
            # Credentials of the local S3 endpoint (generated on first start; keep this file private).
            [{ProfileName}]
            aws_access_key_id = {credentials.AccessKeyId}
            aws_secret_access_key = {credentials.SecretAccessKey}

            """;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
            writer.Write(content);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }

        return Read(path);
    }

    private static LocalCredentials Read(string path)
    {
        string? keyId = null, secret = null;
        foreach (var line in File.ReadAllLines(path))
        {
            var equals = line.IndexOf('=');
            if (equals <= 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var name = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (name == "aws_access_key_id")
            {
                keyId = value;
            }
            else if (name == "aws_secret_access_key")
            {
                secret = value;
            }
        }

        if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
        {
            throw new InvalidDataException($"The credentials file {path} has no aws_access_key_id / aws_secret_access_key.");
        }

        return new LocalCredentials(keyId, secret, path);
    }
}
