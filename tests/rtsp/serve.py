#!/usr/bin/python3
"""A real RTSP server (GStreamer's gst-rtsp-server) in PLAY mode, for camera tests.

Mounts, each re-encoded live with x264 (timestamps are live, like a camera's):
  /live    JPEG frames of real footage looped forever
  /finite  the same frames played once: the range is announced and the stream ends (EOS, then RTCP BYE)
  /stall   like /live, but after --stall-after seconds it stops sending without closing the session
  /recording  --recording FILE (H.264 in MP4) as it is: seekable, its range (duration) announced, then it ends
Prints "ready rtsp://HOST:PORT" once it listens. Stop it with SIGTERM or SIGKILL.
"""
import argparse, signal, sys
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer

ENCODE = "jpegdec ! videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=800 ! rtph264pay name=pay0 pt=96 config-interval=1"

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--frames", required=True, help="printf pattern of JPEG frames, e.g. /tmp/f/%%05d.jpg")
    p.add_argument("--count", type=int, required=True, help="how many frames the pattern numbers (from 1)")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--user"); p.add_argument("--password")
    p.add_argument("--auth", choices=["basic", "digest"], default="digest")
    p.add_argument("--transport", choices=["tcp", "udp", "any"], default="any")
    p.add_argument("--stall-after", type=float, default=5)
    p.add_argument("--recording", help="an H.264 MP4 for /recording")
    a = p.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.port))
    source = (f'multifilesrc location={a.frames} index=1 stop-index={a.count} caps="image/jpeg,framerate={a.fps}/1"')
    mounts = server.get_mount_points()
    protocols = {"tcp": GstRtsp.RTSPLowerTrans.TCP, "udp": GstRtsp.RTSPLowerTrans.UDP,
                 "any": GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP}[a.transport]

    def factory(launch, shared):
        f = GstRtspServer.RTSPMediaFactory()
        f.set_launch(f"( {launch} )")
        f.set_shared(shared)
        f.set_protocols(protocols)
        if a.user:
            f.add_role_from_structure(Gst.Structure.from_string(
                "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0])
        return f

    mounts.add_factory("/live", factory(f"{source} loop=true ! {ENCODE}", True))
    mounts.add_factory("/finite", factory(f"{source} ! {ENCODE}", False))
    stall = factory(f"{source} loop=true ! valve name=gate ! {ENCODE}", False)
    def stall_later(_factory, media):
        gate = media.get_element().get_by_name("gate")
        GLib.timeout_add(int(a.stall_after * 1000), lambda: gate.set_property("drop", True) or False)
    stall.connect("media-configure", stall_later)
    mounts.add_factory("/stall", stall)
    if a.recording:
        mounts.add_factory("/recording", factory(f"filesrc location={a.recording} ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1", False))

    if a.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        if a.auth == "basic":
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        else:
            auth.add_digest(a.user, a.password, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)

    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{a.port}", file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    print(f"ready rtsp://127.0.0.1:{a.port}", flush=True)
    loop.run()
    return 0

if __name__ == "__main__":
    sys.exit(main())
