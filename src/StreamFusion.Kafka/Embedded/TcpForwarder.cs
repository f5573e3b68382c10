using System.Net;
using System.Net.Sockets;

namespace StreamFusion.Kafka.Embedded;

/// <summary>
/// Accepts connections on a chosen address and relays each one, both ways, to a target: the embedded broker
/// listens on a port of its own choosing, and this puts it where other processes were told to look.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <exception cref="SocketException">the address is taken or not this machine's</exception>
    public TcpForwarder(IPEndPoint listen, IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(listen);
        _listener.Start();
        Listening = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    public IPEndPoint Listening { get; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = upstream.NoDelay = true;
                await upstream.ConnectAsync(_target, _stop.Token);
                await using NetworkStream a = client.GetStream(), b = upstream.GetStream();
                // Either side closing ends the connection both ways, as with a direct one.
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
