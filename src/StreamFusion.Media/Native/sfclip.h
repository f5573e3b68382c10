/* sfclip: evidence clips without decoding. A ring of the source's compressed packets (references, not copies)
 * reaching back to the keyframe before the last `ring_seconds`, and one clip at a time remuxed from it to MP4
 * (Matroska when a codec cannot go into MP4) under a temporary name, renamed when complete.
 * Used by sfmedia.c on its demux thread only. */
#ifndef SFCLIP_H
#define SFCLIP_H
#include <libavformat/avformat.h>
#include <stdint.h>

typedef struct sf_clipper sf_clipper;

/* What a finished clip holds (mirrored in SfMediaNative.cs). */
typedef struct {
    int32_t status;                /* 0: complete and renamed; negative: failed, nothing left under the final name */
    int32_t video_frames, audio_packets;
    double start, end;             /* media seconds (the source's clock) of its first packet and of its last packet's end */
    int64_t bytes;
    char path[1024];               /* the final name, with the extension the container chose */
    char error[256];
} sf_clip_info;

/* video/audio: the source's stream indices to keep (-1: none); start: the source's start time, subtracted from
 * every timestamp as sfmedia does; max_bytes: a hard cap on the ring, whatever the GOP. */
sf_clipper *clipper_create(AVFormatContext *in, int video, int audio, double start, double ring_seconds, int64_t max_bytes);
/* Finishes an open clip (it is complete up to here) and frees the ring. */
void clipper_free(sf_clipper **c);
/* Every demuxed packet goes through here, before decoding. */
void clipper_add(sf_clipper *c, const AVPacket *pkt);
/* Starts a clip at the last keyframe at or before `from` (the ring's oldest when none is), ending at most
 * `max_seconds` later; `base` is the path without extension. Returns 0, or -1 with `error` filled. */
int clipper_begin(sf_clipper *c, const char *base, double from, double max_seconds, char *error, int capacity);
/* The clip ends with the first video packet after `until` (media seconds); +INFINITY: not yet known. */
void clipper_stop_at(sf_clipper *c, double until);
/* Ends the open clip now (end of input, reconnect). */
void clipper_finish(sf_clipper *c);
/* 1 and the clip's description once a clip has finished since the last call, else 0. */
int clipper_take_finished(sf_clipper *c, sf_clip_info *out);
/* "mp4", or "mkv" when a stream's codec cannot go into MP4. */
const char *clipper_extension(const sf_clipper *c);
/* The ring's current size; safe from any thread (a reading may lag by a packet). */
void clipper_ring(const sf_clipper *c, int64_t *bytes, int32_t *packets, double *seconds);
#endif
