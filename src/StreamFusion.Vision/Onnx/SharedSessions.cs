namespace StreamFusion.Vision.Onnx;

/// <summary>
/// One ONNX Runtime session per model and settings for a whole process: cameras that detect with the same model
/// share it (counted; the last one to let go disposes it) instead of each loading a copy with its own threads.
/// </summary>
public sealed class SharedSessions
{
    private readonly Dictionary<(string Path, OnnxSettings Settings), (OnnxModel Model, int Users)> _sessions = [];

    public int Count
    {
        get { lock (_sessions) return _sessions.Count; }
    }

    internal OnnxModel Acquire(string path, OnnxSettings settings, Func<OnnxModel> create)
    {
        var key = (System.IO.Path.GetFullPath(path), settings);
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(key, out var entry)) entry = (create(), 0);
            _sessions[key] = (entry.Model, entry.Users + 1);
            var model = entry.Model;
            return new OnnxModel(model.Session, model.Provider, model.Path, model.RunGate, () => Release(key));
        }
    }

    private void Release((string, OnnxSettings) key)
    {
        lock (_sessions)
        {
            var (model, users) = _sessions[key];
            if (users > 1)
            {
                _sessions[key] = (model, users - 1);
                return;
            }
            _sessions.Remove(key);
            model.Dispose();
        }
    }
}
