/* sfclip: the packet ring and the clip remuxer (see sfclip.h). */
#include "sfclip.h"
#include <libavcodec/avcodec.h>
#include <libavutil/avstring.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    AVPacket *pkt;
    double t;  /* media seconds: pts, else dts, else the stream's previous */
    int key;   /* a point a clip can start from: a video keyframe, or any packet of an audio-only source */
} sf_ring_entry;

typedef struct {
    AVFormatContext *out;
    int map[2];         /* output stream of the source's video, audio (-1: not in the clip) */
    int64_t zero_us;    /* the source timestamp (AV_TIME_BASE) that becomes 0 in the clip */
    double first_t, last_t, until, max_seconds;
    int waiting_key;    /* begun before the ring held a keyframe: starts at the next one */
    sf_clip_info info;
    char part[1040];
} sf_clip;

struct sf_clipper {
    AVFormatContext *in;
    int video, audio;
    double start, ring_seconds;
    int64_t max_bytes, bytes;
    double span;        /* media seconds the ring covers; a scalar, so other threads may read the ring's size */
    double last_t[2];
    sf_ring_entry *ring;
    int len, cap;
    sf_clip clip;
    int open, finished;
    int fits_mp4;
    sf_clip_info done;
};

static int slot(const sf_clipper *c, int stream) { return stream == c->video ? 0 : stream == c->audio ? 1 : -1; }

sf_clipper *clipper_create(AVFormatContext *in, int video, int audio, double start, double ring_seconds, int64_t max_bytes) {
    sf_clipper *c = av_mallocz(sizeof *c);
    if (!c) return NULL;
    c->in = in;
    c->video = video;
    c->audio = audio;
    c->start = start;
    c->ring_seconds = ring_seconds;
    c->max_bytes = max_bytes;
    c->last_t[0] = c->last_t[1] = NAN;
    const AVOutputFormat *mp4 = av_guess_format("mp4", NULL, NULL);
    c->fits_mp4 = mp4 != NULL;
    int sources[2] = { video, audio };
    for (int s = 0; s < 2; s++)
        if (sources[s] >= 0 && avformat_query_codec(mp4, in->streams[sources[s]]->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1) c->fits_mp4 = 0;
    return c;
}

static double packet_time(sf_clipper *c, const AVPacket *pkt, int s) {
    int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
    double t = ts == AV_NOPTS_VALUE ? c->last_t[s] : ts * av_q2d(c->in->streams[pkt->stream_index]->time_base) - c->start;
    if (isnan(t)) t = 0;
    c->last_t[s] = t;
    return t;
}

static void drop_front(sf_clipper *c, int n) {
    for (int i = 0; i < n; i++) {
        c->bytes -= c->ring[i].pkt->size;
        av_packet_free(&c->ring[i].pkt);
    }
    memmove(c->ring, c->ring + n, (size_t)(c->len - n) * sizeof *c->ring);
    c->len -= n;
}

/* Keeps the ring back to the last keyframe at or before (newest - ring_seconds): the oldest keyframe goes only
 * once the next one is old enough to start every clip the ring promises. */
static void trim(sf_clipper *c, double newest) {
    for (;;) {
        int second = -1;
        for (int i = 1; i < c->len; i++)
            if (c->ring[i].key) { second = i; break; }
        if (second < 0 || c->ring[second].t > newest - c->ring_seconds) break;
        drop_front(c, second);
    }
    while (c->len > 1 && c->bytes > c->max_bytes) drop_front(c, 1); /* a GOP beyond the cap: memory first */
    int skip = 0;
    while (skip < c->len && !c->ring[skip].key) skip++; /* nothing before the first keyframe can start or join a clip */
    if (skip > 0 && skip < c->len) drop_front(c, skip);
}

static void set_clip_error(sf_clip *k, const char *what, int averr) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(averr, buf, sizeof buf);
    snprintf(k->info.error, sizeof k->info.error, "%s: %s", what, buf);
    k->info.status = -1;
}

static void close_clip(sf_clipper *c) {
    sf_clip *k = &c->clip;
    if (k->out) {
        if (k->info.status == 0) {
            int r = av_write_trailer(k->out);
            if (r < 0) set_clip_error(k, "finishing the clip", r);
        }
        avio_closep(&k->out->pb);
        avformat_free_context(k->out);
        k->out = NULL;
    }
    struct stat st;
    if (k->info.status == 0 && k->info.video_frames + k->info.audio_packets == 0) {
        snprintf(k->info.error, sizeof k->info.error, "no packets reached the clip");
        k->info.status = -1;
    }
    if (k->info.status == 0 && rename(k->part, k->info.path) != 0) {
        snprintf(k->info.error, sizeof k->info.error, "cannot rename the finished clip: %s", strerror(errno));
        k->info.status = -1;
    }
    if (k->info.status != 0) remove(k->part);
    else if (stat(k->info.path, &st) == 0) k->info.bytes = st.st_size;
    k->info.start = k->first_t;
    k->info.end = k->last_t;
    c->done = k->info;
    c->finished = 1;
    c->open = 0;
}

static void write_packet(sf_clipper *c, const AVPacket *pkt, int s, double t) {
    sf_clip *k = &c->clip;
    if (k->info.status != 0 || k->map[s] < 0) return;
    AVStream *ist = c->in->streams[pkt->stream_index], *ost = k->out->streams[k->map[s]];
    int64_t offset = av_rescale_q(k->zero_us, AV_TIME_BASE_Q, ist->time_base);
    if (s == 1 && pkt->dts != AV_NOPTS_VALUE && pkt->dts < offset) return; /* audio from before the first frame */
    AVPacket *copy = av_packet_clone(pkt);
    if (!copy) { set_clip_error(k, "copying a packet", AVERROR(ENOMEM)); return; }
    if (copy->pts != AV_NOPTS_VALUE) copy->pts -= offset;
    if (copy->dts != AV_NOPTS_VALUE) copy->dts -= offset;
    copy->stream_index = k->map[s];
    copy->pos = -1;
    av_packet_rescale_ts(copy, ist->time_base, ost->time_base);
    double end = t + (pkt->duration > 0 ? pkt->duration * av_q2d(ist->time_base) : 0);
    int r = av_interleaved_write_frame(k->out, copy);
    av_packet_free(&copy);
    if (r < 0) { set_clip_error(k, "writing the clip", r); return; }
    if (s == 0) k->info.video_frames++;
    else k->info.audio_packets++;
    if (end > k->last_t) k->last_t = end;
}

/* Opens the output and writes the ring from entry `from` on. */
static int start_clip(sf_clipper *c, int from) {
    sf_clip *k = &c->clip;
    AVStream *ist = c->in->streams[c->ring[from].pkt->stream_index];
    int64_t ts = c->ring[from].pkt->dts != AV_NOPTS_VALUE ? c->ring[from].pkt->dts : c->ring[from].pkt->pts;
    k->zero_us = ts == AV_NOPTS_VALUE ? 0 : av_rescale_q(ts, ist->time_base, AV_TIME_BASE_Q);
    k->first_t = k->last_t = c->ring[from].t;
    k->waiting_key = 0;
    for (int i = from; i < c->len && k->info.status == 0; i++) {
        int s = slot(c, c->ring[i].pkt->stream_index);
        /* begun late (the incident is known seconds after it starts): the ring alone may already fill max_length */
        if ((s == 0 || c->video < 0) && c->ring[i].t - k->first_t >= k->max_seconds) { close_clip(c); return 0; }
        write_packet(c, c->ring[i].pkt, s, c->ring[i].t);
    }
    return k->info.status;
}

int clipper_begin(sf_clipper *c, const char *base, double from, double max_seconds, char *error, int capacity) {
    if (c->open) { snprintf(error, capacity, "a clip is already being written"); return -1; }
    sf_clip *k = &c->clip;
    memset(k, 0, sizeof *k);
    k->map[0] = k->map[1] = -1;
    k->until = INFINITY;
    k->max_seconds = max_seconds > 0 ? max_seconds : INFINITY;
    int sources[2] = { c->video, c->audio }, fits_mp4 = c->fits_mp4;
    snprintf(k->info.path, sizeof k->info.path, "%s.%s", base, fits_mp4 ? "mp4" : "mkv");
    snprintf(k->part, sizeof k->part, "%s.part", k->info.path);
    int r = avformat_alloc_output_context2(&k->out, NULL, fits_mp4 ? "mp4" : "matroska", k->part);
    if (r < 0) { av_strerror(r, error, capacity); return -1; }
    for (int s = 0; s < 2; s++) {
        if (sources[s] < 0) continue;
        AVStream *ost = avformat_new_stream(k->out, NULL);
        if (!ost || avcodec_parameters_copy(ost->codecpar, c->in->streams[sources[s]]->codecpar) < 0) {
            snprintf(error, capacity, "cannot copy the stream parameters");
            avformat_free_context(k->out);
            k->out = NULL;
            return -1;
        }
        ost->codecpar->codec_tag = 0;
        ost->time_base = c->in->streams[sources[s]]->time_base;
        k->map[s] = ost->index;
    }
    AVDictionary *options = NULL;
    if (fits_mp4) av_dict_set(&options, "movflags", "+faststart", 0); /* players can start before the end arrives */
    if ((r = avio_open(&k->out->pb, k->part, AVIO_FLAG_WRITE)) < 0 || (r = avformat_write_header(k->out, &options)) < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
        av_strerror(r, buf, sizeof buf);
        snprintf(error, capacity, "%s: %s", k->part, buf);
        av_dict_free(&options);
        avio_closep(&k->out->pb);
        avformat_free_context(k->out);
        k->out = NULL;
        remove(k->part);
        return -1;
    }
    av_dict_free(&options);
    c->open = 1;
    int start = -1;
    for (int i = 0; i < c->len; i++)
        if (c->ring[i].key && (start < 0 || c->ring[i].t <= from)) start = i;
    if (start < 0) k->waiting_key = 1;
    else if (start_clip(c, start) != 0 && c->open) close_clip(c);
    return 0;
}

void clipper_stop_at(sf_clipper *c, double until) { if (c->open) c->clip.until = until; }

void clipper_finish(sf_clipper *c) { if (c->open) close_clip(c); }

void clipper_add(sf_clipper *c, const AVPacket *pkt) {
    int s = slot(c, pkt->stream_index);
    if (s < 0 || pkt->size <= 0) return;
    double t = packet_time(c, pkt, s);
    int key = c->video < 0 || (s == 0 && (pkt->flags & AV_PKT_FLAG_KEY));
    if (c->ring_seconds > 0 && (c->len > 0 || key)) {
        if (c->len == c->cap) {
            int cap = c->cap ? c->cap * 2 : 256;
            sf_ring_entry *grown = av_realloc_array(c->ring, cap, sizeof *grown);
            if (!grown) return; /* the ring stays as it is: clips may start later than asked, decoding goes on */
            c->ring = grown;
            c->cap = cap;
        }
        AVPacket *ref = av_packet_clone(pkt);
        if (ref) {
            c->ring[c->len++] = (sf_ring_entry){ ref, t, key };
            c->bytes += ref->size;
            trim(c, t);
            c->span = c->len > 1 ? c->ring[c->len - 1].t - c->ring[0].t : 0;
        }
    }
    if (!c->open) return;
    sf_clip *k = &c->clip;
    if (k->waiting_key) {
        if (!key) return;
        for (int i = c->len - 1; i >= 0; i--)
            if (c->ring[i].t == t && c->ring[i].key && c->ring[i].pkt->stream_index == pkt->stream_index) { if (start_clip(c, i) != 0 && c->open) close_clip(c); return; }
        /* no ring (ring_seconds 0): start here */
        k->zero_us = av_rescale_q(pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts, c->in->streams[pkt->stream_index]->time_base, AV_TIME_BASE_Q);
        k->first_t = k->last_t = t;
        k->waiting_key = 0;
    }
    int leads = s == 0 || c->video < 0; /* video decides where a clip ends; audio follows it */
    if (leads && (t > k->until || t - k->first_t >= k->max_seconds)) { close_clip(c); return; }
    if (!leads && t > k->until) return;
    write_packet(c, pkt, s, t);
    if (k->info.status != 0) close_clip(c);
}

int clipper_take_finished(sf_clipper *c, sf_clip_info *out) {
    if (!c->finished) return 0;
    *out = c->done;
    c->finished = 0;
    return 1;
}

const char *clipper_extension(const sf_clipper *c) { return c->fits_mp4 ? "mp4" : "mkv"; }

void clipper_ring(const sf_clipper *c, int64_t *bytes, int32_t *packets, double *seconds) {
    *bytes = c->bytes;
    *packets = c->len;
    *seconds = c->span;
}

void clipper_free(sf_clipper **c) {
    if (!*c) return;
    clipper_finish(*c);
    for (int i = 0; i < (*c)->len; i++) av_packet_free(&(*c)->ring[i].pkt);
    av_free((*c)->ring);
    av_freep(c);
}
