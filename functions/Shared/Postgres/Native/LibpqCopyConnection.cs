using System.Runtime.InteropServices;
using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Native;

namespace DisasterRecovery.Postgres.Native;

/// <summary>
/// A libpq connection (libpq.so.5, the library pg_dump itself runs on, so it is wherever pg_dump is)
/// used only to stream COPY ... TO STDOUT: the data path's reader, the fastest measured (BENCHMARKS.md;
/// tests/Benchmarks/PostgresBackup/RESULTS.md). The server sends one CopyData message per row; Npgsql's raw
/// stream returns one row per read, libpq hands whole rows over from its own buffer, which is the
/// difference between keeping up with the server and not. Only when libpq cannot be loaded does
/// <see cref="CopyOutSession"/> fall back to Npgsql, automatically. Not thread-safe except <see cref="Cancel"/>.
/// </summary>
internal sealed unsafe class LibpqCopyConnection : IDisposable
{
    private const int ConnectionOk = 0;
    private const int CommandOk = 1;
    private const int TuplesOk = 2;
    private const int CopyOut = 3;
    private const byte SqlStateField = (byte)'C';

    private static readonly Lazy<Library?> Loaded = new(() => TryLoad("libpq.so.5", "libpq.so"));

    private readonly Library _f;
    private readonly object _cancelGate = new();
    private IntPtr _cancel;
    private IntPtr _connection;
    private IntPtr _row;
    private int _rowLength;
    private int _rowOffset;
    private bool _copying;

    private LibpqCopyConnection(Library functions, IntPtr connection)
    {
        _f = functions;
        _connection = connection;
        _cancel = functions.GetCancel(connection);
    }

    /// <summary>The system's libpq, or null when it cannot be loaded (then Npgsql reads COPY).</summary>
    public static Library? Default => Loaded.Value;

    /// <summary>libpq under the first of <paramref name="names"/> that loads, or null.</summary>
    public static Library? TryLoad(params string[] names) => NativeLibraries.TryBind(names, handle => new Library(handle));

    /// <summary>Connects through <paramref name="f"/>; the named connect errors as <see cref="DatabaseErrors.ForConnect"/> gives them.</summary>
    public static LibpqCopyConnection Open(PostgresEndpoint endpoint, Library f)
    {
        var conninfo = new StringBuilder();
        void Add(string key, string value) => conninfo.Append(key).Append("='")
            .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("' ");
        Add("host", endpoint.Host);
        Add("port", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("user", endpoint.Username);
        Add("password", endpoint.Password);
        Add("dbname", endpoint.Database);
        Add("application_name", "disaster-recovery");
        var timeout = (int)Math.Max(2, Math.Ceiling(endpoint.ConnectTimeout.TotalSeconds));
        Add("connect_timeout", timeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (endpoint.SslMode is not null)
        {
            Add("sslmode", endpoint.SslMode);
        }

        var bytes = Encoding.UTF8.GetBytes(conninfo.ToString() + "\0");
        IntPtr connection;
        fixed (byte* info = bytes)
        {
            connection = f.ConnectDb(info);
        }

        if (connection == IntPtr.Zero || f.Status(connection) != ConnectionOk)
        {
            var message = connection == IntPtr.Zero ? "out of memory" : Text(f.ErrorMessage(connection));
            if (connection != IntPtr.Zero)
            {
                f.Finish(connection);
            }

            throw Classify(message, endpoint);
        }

        return new LibpqCopyConnection(f, connection);
    }

    /// <summary>Runs statements that return no rows (setup, BEGIN, SET TRANSACTION SNAPSHOT).</summary>
    public void Execute(string sql)
    {
        var result = Exec(sql);
        try
        {
            var status = _f.ResultStatus(result);
            if (status is not (CommandOk or TuplesOk))
            {
                throw Failure(result, sql);
            }
        }
        finally
        {
            _f.Clear(result);
        }
    }

    /// <summary>Starts COPY ... TO STDOUT; then <see cref="Read"/> until it returns 0.</summary>
    public void BeginCopyOut(string sql)
    {
        var result = Exec(sql);
        try
        {
            if (_f.ResultStatus(result) != CopyOut)
            {
                throw Failure(result, sql);
            }
        }
        finally
        {
            _f.Clear(result);
        }

        _copying = true;
    }

    /// <summary>Fills <paramref name="buffer"/> with COPY text (rows, possibly a row's start); 0 when the COPY is done.</summary>
    public int Read(Span<byte> buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            if (_row == IntPtr.Zero)
            {
                if (!_copying || !NextRow())
                {
                    break;
                }
            }

            var take = Math.Min(buffer.Length - filled, _rowLength - _rowOffset);
            new ReadOnlySpan<byte>((byte*)_row + _rowOffset, take).CopyTo(buffer[filled..]);
            filled += take;
            _rowOffset += take;
            if (_rowOffset == _rowLength)
            {
                _f.FreeMem(_row);
                _row = IntPtr.Zero;
            }
        }

        return filled;
    }

    /// <summary>Asks the server to cancel the running statement (thread-safe, as libpq's PQcancel is).</summary>
    public void Cancel()
    {
        lock (_cancelGate)
        {
            if (_cancel != IntPtr.Zero)
            {
                var error = stackalloc byte[256];
                _f.CancelRequest(_cancel, error, 256);
            }
        }
    }

    public void Dispose()
    {
        if (_row != IntPtr.Zero)
        {
            _f.FreeMem(_row);
            _row = IntPtr.Zero;
        }

        lock (_cancelGate)
        {
            if (_cancel != IntPtr.Zero)
            {
                _f.FreeCancel(_cancel);
                _cancel = IntPtr.Zero;
            }
        }

        if (_connection != IntPtr.Zero)
        {
            _f.Finish(_connection);
            _connection = IntPtr.Zero;
        }
    }

    private bool NextRow()
    {
        IntPtr row;
        var length = _f.GetCopyData(_connection, &row, 0);
        if (length > 0)
        {
            _row = row;
            _rowLength = length;
            _rowOffset = 0;
            return true;
        }

        _copying = false;
        if (length == -2)
        {
            throw new DatabaseConnectionLostException($"the connection was lost during COPY: {Text(_f.ErrorMessage(_connection))}; nothing was committed");
        }

        // -1: the COPY ended; its final result says whether it succeeded.
        var result = _f.GetResult(_connection);
        try
        {
            if (result != IntPtr.Zero && _f.ResultStatus(result) != CommandOk)
            {
                throw Failure(result, "COPY");
            }
        }
        finally
        {
            if (result != IntPtr.Zero)
            {
                _f.Clear(result);
            }

            // Drain to the end of the command (libpq requires PQgetResult until NULL).
            while ((result = _f.GetResult(_connection)) != IntPtr.Zero)
            {
                _f.Clear(result);
            }
        }

        return false;
    }

    private IntPtr Exec(string sql)
    {
        var bytes = Encoding.UTF8.GetBytes(sql + "\0");
        IntPtr result;
        fixed (byte* text = bytes)
        {
            result = _f.Exec(_connection, text);
        }

        if (result == IntPtr.Zero)
        {
            throw new DatabaseConnectionLostException($"the connection was lost: {Text(_f.ErrorMessage(_connection))}; nothing was committed");
        }

        return result;
    }

    /// <summary>The error of a failed result, classified by SQLSTATE like Npgsql's errors are.</summary>
    private DisasterRecoveryException Failure(IntPtr result, string what)
    {
        var sqlState = Text(_f.ResultErrorField(result, SqlStateField));
        var message = Text(_f.ResultErrorMessage(result)).Trim();
        if (message.Length == 0)
        {
            message = Text(_f.ErrorMessage(_connection)).Trim();
        }

        var statement = what.Length > 120 ? what[..120] + "…" : what;
        return sqlState switch
        {
            "57P01" or "57P02" or "57P03" or "08000" or "08003" or "08006" or "" =>
                new DatabaseConnectionLostException($"the server ended the connection during {statement}: {message}; nothing was committed"),
            "57014" => new DeadlineExceededException($"{statement} was cancelled: {message}; nothing was committed"),
            _ => new DatabaseOperationException($"the server refused {statement}: {message} ({sqlState})"),
        };
    }

    private static DisasterRecoveryException Classify(string message, PostgresEndpoint endpoint)
    {
        var text = message.Trim();
        if (text.Contains("password authentication failed", StringComparison.Ordinal) || text.Contains("no pg_hba.conf entry", StringComparison.Ordinal)
            || text.Contains("role \"", StringComparison.Ordinal) && text.Contains("does not exist", StringComparison.Ordinal))
        {
            return new DatabaseAuthenticationException($"{endpoint.Host}:{endpoint.Port} refused user '{endpoint.Username}': {text}");
        }

        if (text.Contains("database \"", StringComparison.Ordinal) && text.Contains("does not exist", StringComparison.Ordinal))
        {
            return new DatabaseNotFoundException($"database '{endpoint.Database}' does not exist on {endpoint.Host}:{endpoint.Port}");
        }

        return new DatabaseUnreachableException($"cannot reach PostgreSQL at {endpoint.Host}:{endpoint.Port}: {text}");
    }

    private static string Text(IntPtr text) => text == IntPtr.Zero ? string.Empty : Marshal.PtrToStringUTF8(text) ?? string.Empty;

    /// <summary>The libpq exports used, bound once.</summary>
    internal sealed class Library(IntPtr h)
    {
        public readonly delegate* unmanaged<byte*, IntPtr> ConnectDb = (delegate* unmanaged<byte*, IntPtr>)NativeLibraries.Export(h, "PQconnectdb");
        public readonly delegate* unmanaged<IntPtr, int> Status = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(h, "PQstatus");
        public readonly delegate* unmanaged<IntPtr, IntPtr> ErrorMessage = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibraries.Export(h, "PQerrorMessage");
        public readonly delegate* unmanaged<IntPtr, void> Finish = (delegate* unmanaged<IntPtr, void>)NativeLibraries.Export(h, "PQfinish");
        public readonly delegate* unmanaged<IntPtr, byte*, IntPtr> Exec = (delegate* unmanaged<IntPtr, byte*, IntPtr>)NativeLibraries.Export(h, "PQexec");
        public readonly delegate* unmanaged<IntPtr, int> ResultStatus = (delegate* unmanaged<IntPtr, int>)NativeLibraries.Export(h, "PQresultStatus");
        public readonly delegate* unmanaged<IntPtr, IntPtr> ResultErrorMessage =
            (delegate* unmanaged<IntPtr, IntPtr>)NativeLibraries.Export(h, "PQresultErrorMessage");
        public readonly delegate* unmanaged<IntPtr, byte, IntPtr> ResultErrorField =
            (delegate* unmanaged<IntPtr, byte, IntPtr>)NativeLibraries.Export(h, "PQresultErrorField");
        public readonly delegate* unmanaged<IntPtr, void> Clear = (delegate* unmanaged<IntPtr, void>)NativeLibraries.Export(h, "PQclear");
        public readonly delegate* unmanaged<IntPtr, IntPtr*, int, int> GetCopyData =
            (delegate* unmanaged<IntPtr, IntPtr*, int, int>)NativeLibraries.Export(h, "PQgetCopyData");
        public readonly delegate* unmanaged<IntPtr, IntPtr> GetResult = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibraries.Export(h, "PQgetResult");
        public readonly delegate* unmanaged<IntPtr, void> FreeMem = (delegate* unmanaged<IntPtr, void>)NativeLibraries.Export(h, "PQfreemem");
        public readonly delegate* unmanaged<IntPtr, IntPtr> GetCancel = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibraries.Export(h, "PQgetCancel");
        public readonly delegate* unmanaged<IntPtr, void> FreeCancel = (delegate* unmanaged<IntPtr, void>)NativeLibraries.Export(h, "PQfreeCancel");
        public readonly delegate* unmanaged<IntPtr, byte*, int, int> CancelRequest =
            (delegate* unmanaged<IntPtr, byte*, int, int>)NativeLibraries.Export(h, "PQcancel");
    }
}
