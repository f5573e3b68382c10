using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace StreamFusion.Kafka.Publish;

/// <summary>
/// The publisher's durable outbox: every record is appended here before it is handed to the producer, and the
/// offset of the first record the broker has not acknowledged is kept beside it. A process that dies (killed,
/// crashed, broker down at exit) leaves its undelivered records for the next start. Entries are
/// [length][crc32][payload]; a torn last entry (killed mid-write) is detected and cut off on open.
/// The file is reset whenever everything in it has been delivered and it has grown past <see cref="ResetBytes"/>.
/// </summary>
public sealed class RecordSpool : IDisposable
{
    public const string LogName = "records.spool", AckName = "acked.offset", LockName = "lock";
    private const long ResetBytes = 1 << 20;
    private const int HeaderBytes = 8;

    private readonly object _gate = new();
    private readonly SafeFileHandle _log, _ack;
    private readonly FileStream _lock;
    private readonly bool _fsync;
    private long _ackedOffset, _readOffset, _unacked, _length;

    private RecordSpool(string directory, SafeFileHandle log, SafeFileHandle ack, FileStream lockFile, long maxBytes, bool fsync)
    {
        Directory = directory;
        (_log, _ack, _lock, MaxBytes, _fsync) = (log, ack, lockFile, maxBytes, fsync);
    }

    public string Directory { get; }
    public long MaxBytes { get; }
    /// <summary>Records from a previous process that were still undelivered when this spool was opened.</summary>
    public long Recovered { get; private set; }
    public long UnackedRecords { get { lock (_gate) return _unacked; } }
    public long UnackedBytes { get { lock (_gate) return _length - _ackedOffset; } }

    /// <param name="maxBytes">undelivered bytes the spool may hold; appends beyond are refused</param>
    /// <param name="fsync">force every append to disk (survives power loss, not only a killed process)</param>
    public static RecordSpool Open(string directory, long maxBytes, bool fsync)
    {
        FileStream lockFile;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            // FileShare.None is an exclusive flock on Linux: two processes never interleave one spool.
            lockFile = new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new SpoolUnavailableException($"spool {directory} is in use by another streamfusion process (give each pipeline its own spool directory)");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SpoolUnavailableException($"spool {directory}: {e.Message}");
        }
        try
        {
            // Unbuffered positional I/O: each append is one write reaching the OS, each read exactly one entry.
            var log = File.OpenHandle(Path.Combine(directory, LogName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var ack = File.OpenHandle(Path.Combine(directory, AckName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var spool = new RecordSpool(directory, log, ack, lockFile, maxBytes, fsync);
            spool.Recover();
            return spool;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lockFile.Dispose();
            throw new SpoolUnavailableException($"spool {directory}: {e.Message}");
        }
    }

    private void Recover()
    {
        var stored = new byte[8];
        _ackedOffset = RandomAccess.Read(_ack, stored, 0) == 8 ? BinaryPrimitives.ReadInt64LittleEndian(stored) : 0;
        _length = RandomAccess.GetLength(_log);
        if (_ackedOffset < 0 || _ackedOffset > _length) _ackedOffset = 0; // reset was cut short by a crash: nothing was pending
        _readOffset = _ackedOffset;
        var end = _ackedOffset;
        while (ReadAt(end) is { } entry)
        {
            end = entry.End;
            _unacked++;
        }
        if (end < _length) RandomAccess.SetLength(_log, _length = end); // a torn entry from a killed process
        Recovered = _unacked;
    }

    /// <summary>Appends a record; false when the spool already holds <see cref="MaxBytes"/> of undelivered records.</summary>
    public bool TryAppend(OutgoingRecord record) => TryAppend(record, out _);

    /// <param name="claimed">the reader was caught up, so this record counts as read already (the caller sends it)</param>
    public bool TryAppend(OutgoingRecord record, out long end, bool claimIfCaughtUp, out bool claimed)
    {
        claimed = false;
        lock (_gate)
        {
            var caughtUp = _readOffset == _length;
            if (!TryAppend(record, out end)) return false;
            if (claimIfCaughtUp && caughtUp)
            {
                _readOffset = end;
                claimed = true;
            }
            return true;
        }
    }

    private bool TryAppend(OutgoingRecord record, out long end)
    {
        end = 0;
        var entry = Encode(record);
        var payload = entry.AsSpan(HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(entry, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), System.IO.Hashing.Crc32.HashToUInt32(payload));
        lock (_gate)
        {
            if (_length - _ackedOffset + entry.Length > MaxBytes) return false;
            RandomAccess.Write(_log, entry, _length); // reaches the OS before returning: a killed process loses nothing
            if (_fsync) RandomAccess.FlushToDisk(_log);
            end = _length += entry.Length;
            _unacked++;
            return true;
        }
    }

    /// <summary>Whether records wait to be handed out (appended while others were ahead of them, or after a rewind).</summary>
    public bool HasUnread { get { lock (_gate) return _readOffset < _length; } }

    /// <summary>The next record not yet handed out, with the offset just past it (its acknowledgement point).</summary>
    public bool TryReadNext(out OutgoingRecord record, out long end)
    {
        lock (_gate)
        {
            if (ReadAt(_readOffset) is { } entry)
            {
                (record, end, _readOffset) = (entry.Record, entry.End, entry.End);
                return true;
            }
        }
        (record, end) = (null!, 0);
        return false;
    }

    /// <summary>Hand out again everything after the last acknowledged record (after a failed delivery).</summary>
    public void Rewind()
    {
        lock (_gate) _readOffset = _ackedOffset;
    }

    /// <summary>Everything up to <paramref name="end"/> (<paramref name="records"/> more records) is delivered.</summary>
    public void Acknowledge(long end, int records)
    {
        lock (_gate)
        {
            if (end <= _ackedOffset) return;
            _ackedOffset = end;
            _unacked -= records;
            if (_ackedOffset == _length && _readOffset == _length && _length >= ResetBytes)
            {
                RandomAccess.SetLength(_log, 0); // truncated first: a crash before the offset below is written reads as "nothing pending"
                _ackedOffset = _readOffset = _length = 0;
            }
            var stored = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(stored, _ackedOffset);
            RandomAccess.Write(_ack, stored, 0);
            if (_fsync) RandomAccess.FlushToDisk(_ack);
        }
    }

    private (OutgoingRecord Record, long End)? ReadAt(long offset)
    {
        if (offset + HeaderBytes > _length) return null;
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (RandomAccess.Read(_log, header, offset) != HeaderBytes) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length <= 0 || offset + HeaderBytes + length > _length) return null;
        var payload = new byte[length];
        if (RandomAccess.Read(_log, payload, offset + HeaderBytes) != length) return null;
        if (System.IO.Hashing.Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..])) return null;
        return (Decode(payload), offset + HeaderBytes + length);
    }

    /// <returns>the entry with room for its header in front</returns>
    private static byte[] Encode(OutgoingRecord record)
    {
        using var buffer = new MemoryStream(record.Value.Length + 256);
        buffer.Position = HeaderBytes;
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(record.CaptureTime.UtcTicks);
            w.Write(record.Key);
            w.Write(record.Headers.Count);
            foreach (var (name, value) in record.Headers)
            {
                w.Write(name);
                w.Write(value);
            }
            w.Write(record.Value.Length);
            w.Write(record.Value);
        }
        return buffer.ToArray();
    }

    private static OutgoingRecord Decode(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var capture = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
        var key = r.ReadString();
        var headers = new KeyValuePair<string, string>[r.ReadInt32()];
        for (var i = 0; i < headers.Length; i++) headers[i] = new(r.ReadString(), r.ReadString());
        var value = r.ReadBytes(r.ReadInt32());
        return new OutgoingRecord(key, headers, value, capture);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _log.Dispose();
            _ack.Dispose();
            _lock.Dispose();
        }
    }
}
