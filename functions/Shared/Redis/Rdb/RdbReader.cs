using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Dump;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// Pulls an RDB file apart one key (or function library) at a time, checking every opcode and value and, at the end,
/// the CRC-64 and that nothing follows it. Memory is the 64 KB input buffer plus the current key and, when payloads
/// are asked for, the current value's bytes. Blocking reads: <see cref="RdbFile"/> runs it off the caller's thread.
/// </summary>
internal sealed class RdbReader
{
    private const int ChecksumSince = 5;
    private static readonly byte[] Magic = "REDIS"u8.ToArray();

    private readonly RdbInput _input;
    private readonly bool _capturePayloads;
    private readonly Dictionary<string, string> _aux = new(StringComparer.Ordinal);
    private int _database;
    private bool _finished;

    public RdbReader(Stream rdb, bool capturePayloads)
    {
        _input = new RdbInput(rdb);
        _capturePayloads = capturePayloads;
        Version = ReadHeader();
    }

    public int Version { get; }

    public IReadOnlyDictionary<string, string> Aux => _aux;

    public bool ChecksumVerified { get; private set; }

    public long BytesRead => _input.Offset;

    /// <summary>What <see cref="MoveNext"/> found: a key or a function library.</summary>
    public RdbEntryKind Kind { get; private set; }

    /// <summary>The database of the current key.</summary>
    public int Database => _database;

    /// <summary>The current key's expiry (Unix milliseconds), if it has one.</summary>
    public long? ExpireAtUnixMs { get; private set; }

    /// <summary>The current key's LRU idle seconds, if the file recorded them.</summary>
    public long? IdleSeconds { get; private set; }

    /// <summary>The current key's LFU frequency, if the file recorded it.</summary>
    public int? Frequency { get; private set; }

    /// <summary>The current key's name (empty unless payloads are captured: verification does not keep keys).</summary>
    public byte[] Key { get; private set; } = [];

    /// <summary>The current DUMP payload (empty unless payloads are captured).</summary>
    public ReadOnlyMemory<byte> Payload { get; private set; }

    /// <summary>The current key or library as an entry.</summary>
    public RdbEntry Entry =>
        new(_database, Key, ExpireAtUnixMs, Payload) { Kind = Kind, IdleSeconds = IdleSeconds, Frequency = Frequency };

    /// <summary>
    /// Moves to the next key or function library; false after the end-of-file opcode, once the checksum and the end of
    /// the stream were checked.
    /// </summary>
    public bool MoveNext()
    {
        if (_finished)
        {
            return false;
        }

        ExpireAtUnixMs = null;
        IdleSeconds = null;
        Frequency = null;
        while (true)
        {
            var at = _input.Offset;
            var opcode = _input.ReadByte("an opcode or a value type");
            switch (opcode)
            {
                case RdbOpcodes.ExpireTime:
                    ExpireAtUnixMs = _input.ReadInt32LittleEndian("an expiry time in seconds") * 1000L;
                    continue;
                case RdbOpcodes.ExpireTimeMilliseconds:
                    ExpireAtUnixMs = _input.ReadInt64LittleEndian("an expiry time in milliseconds");
                    continue;
                case RdbOpcodes.Frequency:
                    Frequency = _input.ReadByte("an LFU frequency");
                    continue;
                case RdbOpcodes.Idle:
                    IdleSeconds = (long)Math.Min(_input.ReadLength("an LRU idle time"), long.MaxValue);
                    continue;
                case RdbOpcodes.Aux:
                    var name = Text(_input.ReadString("an AUX field's name"));
                    _aux[name] = Text(_input.ReadString($"the AUX field '{name}''s value"));
                    continue;
                case RdbOpcodes.ResizeDatabase:
                    _input.ReadLength("the database size hint");
                    _input.ReadLength("the expires size hint");
                    continue;
                case RdbOpcodes.SelectDatabase:
                    _database = _input.ReadCount("a database number");
                    continue;
                case RdbOpcodes.ModuleAux:
                    ReadModuleAux();
                    continue;
                case RdbOpcodes.FunctionPreRelease:
                    throw new RdbFormatException(at, "a function library in the Redis 7.0 format (opcode 245)",
                        "the 7.0 release-candidate format (opcode 246), which Redis itself no longer loads");
                case RdbOpcodes.Function2:
                    ReadFunction();
                    return true;
                case RdbOpcodes.EndOfFile:
                    ReadChecksum();
                    _finished = true;
                    return false;
                default:
                    ReadKeyAndValue(opcode, at);
                    return true;
            }
        }
    }

    private void ReadKeyAndValue(byte type, long typeOffset)
    {
        Kind = RdbEntryKind.Key;
        if (_capturePayloads)
        {
            Key = _input.ReadString("a key");
            _input.BeginCapture(type);
        }
        else
        {
            _input.SkipString("a key");
        }

        RdbValueReader.Read(_input, type, typeOffset);
        Payload = FinishPayload();
    }

    private int ReadHeader()
    {
        var magic = _input.ReadSpan(Magic.Length, "the magic string \"REDIS\"");
        if (!magic.SequenceEqual(Magic))
        {
            throw new RdbFormatException(0, "the magic string \"REDIS\"", Convert.ToHexString(magic));
        }

        var digits = _input.ReadSpan(4, "a four-digit RDB version");
        if (!int.TryParse(Encoding.ASCII.GetString(digits), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new RdbFormatException(Magic.Length, "a four-digit RDB version", Convert.ToHexString(digits));
        }

        if (version < 1 || version > RedisEngine.NewestRdbVersion)
        {
            throw new RdbFormatException(Magic.Length, $"an RDB version from 1 to {RedisEngine.NewestRdbVersion}",
                version.ToString(CultureInfo.InvariantCulture));
        }

        return version;
    }

    private void ReadModuleAux()
    {
        _input.ReadLength("a module AUX record's module id");
        var at = _input.Offset;
        var whenOpcode = _input.ReadLength("a module AUX record's 'when' opcode");
        if (whenOpcode != RdbOpcodes.ModuleUnsignedInteger)
        {
            throw new RdbFormatException(at, "the 'when' opcode 2 (unsigned integer)", whenOpcode.ToString(CultureInfo.InvariantCulture));
        }

        _input.ReadLength("a module AUX record's 'when'");
        RdbValueReader.ReadModuleValue(_input);
    }

    private void ReadFunction()
    {
        Kind = RdbEntryKind.FunctionLibrary;
        Key = [];
        if (_capturePayloads)
        {
            _input.BeginCapture(RdbOpcodes.Function2);
        }

        _input.SkipString("a function library's code");
        Payload = FinishPayload();
    }

    private ReadOnlyMemory<byte> FinishPayload()
    {
        if (!_capturePayloads)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var payload = _input.EndCapture().Finish();
        DumpPayload.WriteTrailer(payload.Span, Version);
        return payload;
    }

    private void ReadChecksum()
    {
        if (Version >= ChecksumSince)
        {
            var computed = _input.Checksum;
            var at = _input.Offset;
            var stored = BinaryPrimitives.ReadUInt64LittleEndian(_input.ReadSpan(8, "the CRC-64 after the end-of-file opcode"));
            if (stored != 0 && stored != computed)
            {
                throw new RdbFormatException(at, $"the CRC-64 of the preceding bytes, 0x{computed:x16}", $"0x{stored:x16}");
            }

            // A zero checksum is what a server with `rdbchecksum no` writes: nothing to check against.
            ChecksumVerified = stored != 0;
        }

        var end = _input.Offset;
        if (!_input.AtEnd())
        {
            throw new RdbFormatException(end, "the end of the file after the checksum", "more bytes");
        }
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
