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

    /// <summary>The next key or function library, or null after the end-of-file opcode and the checksum were checked.</summary>
    public RdbEntry? Next()
    {
        if (_finished)
        {
            return null;
        }

        long? expireAt = null;
        long? idle = null;
        int? frequency = null;
        while (true)
        {
            var at = _input.Offset;
            var opcode = _input.ReadByte("an opcode or a value type");
            switch (opcode)
            {
                case RdbOpcodes.ExpireTime:
                    expireAt = _input.ReadInt32LittleEndian("an expiry time in seconds") * 1000L;
                    continue;
                case RdbOpcodes.ExpireTimeMilliseconds:
                    expireAt = _input.ReadInt64LittleEndian("an expiry time in milliseconds");
                    continue;
                case RdbOpcodes.Frequency:
                    frequency = _input.ReadByte("an LFU frequency");
                    continue;
                case RdbOpcodes.Idle:
                    idle = (long)Math.Min(_input.ReadLength("an LRU idle time"), long.MaxValue);
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
                    return ReadFunction();
                case RdbOpcodes.EndOfFile:
                    ReadChecksum();
                    _finished = true;
                    return null;
                default:
                    var key = _input.ReadString("a key");
                    var payload = ReadValue(opcode, at);
                    return new RdbEntry(_database, key, expireAt, payload) { IdleSeconds = idle, Frequency = frequency };
            }
        }
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

    private RdbEntry ReadFunction()
    {
        if (_capturePayloads)
        {
            _input.BeginCapture(RdbOpcodes.Function2);
        }

        _input.SkipString("a function library's code");
        return new RdbEntry(0, [], null, FinishPayload()) { Kind = RdbEntryKind.FunctionLibrary };
    }

    private ReadOnlyMemory<byte> ReadValue(byte type, long typeOffset)
    {
        if (_capturePayloads)
        {
            _input.BeginCapture(type);
        }

        RdbValueReader.Read(_input, type, typeOffset);
        return FinishPayload();
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
