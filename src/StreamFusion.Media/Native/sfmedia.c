/* sfmedia: the only native code in StreamFusion (with sfclip.c, the evidence clips it cuts from its packets).
 * One demux loop over the system FFmpeg libraries that hands out decoded video (BGR24),
 * audio (float32 mono, resampled) and text subtitle cues, all on one media clock
 * (seconds since the container's start time). Everything libav-shaped stays in this file;
 * the managed side sees only the small structs below (mirrored in SfMediaNative.cs). */
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sfclip.h"

#define SF_API __attribute__((visibility("default")))

enum sf_kind { SF_END = 0, SF_VIDEO = 1, SF_AUDIO = 2, SF_SUBTITLE = 3 };

/* Error classes; the managed side turns each into a typed exception. */
enum sf_error {
    SF_ERR_NOT_FOUND = -1, SF_ERR_NOT_MEDIA = -2, SF_ERR_UNSUPPORTED = -3, SF_ERR_NETWORK = -4,
    SF_ERR_TIMEOUT = -5, SF_ERR_ABORTED = -6, SF_ERR_IO = -7, SF_ERR_ARGUMENT = -8,
    SF_ERR_NO_MEMORY = -9, SF_ERR_ABI = -10, SF_ERR_DENIED = -11
};

typedef struct {
    int32_t video_width, video_height; /* 0 = native; one of them 0 keeps the aspect ratio */
    int32_t audio_rate;                /* output rate of mono float audio */
    int32_t want_video, want_audio, want_subtitles;
    int32_t convert_video;             /* 0: decode only, no BGR conversion (frame counting) */
    int32_t open_timeout_ms, read_timeout_ms; /* 0 = none */
    int32_t decoder_threads;           /* 0 = auto */
    int32_t clips;                     /* 1: keep compressed packets for evidence clips (sfclip.c) */
    int32_t pre_roll_ms;               /* how far back the packet ring reaches (to the keyframe before) */
} sf_params;

typedef struct {
    int32_t index, kind; /* kind: 1 video, 2 audio, 3 subtitle, 0 other */
    int32_t width, height, sample_rate, channels, selected;
    double fps, duration, start;
    char codec[32];
    char language[16];
} sf_stream;

typedef struct {
    int32_t kind, width, height, samples, text_bytes, stream;
    int32_t buffer_bytes; /* video: size the BGR destination must have (see SF_SCALER_SLACK) */
    double pts, end;      /* end: subtitle cue end */
} sf_item;

/* swscale's SIMD converters write whole blocks past the end of the last row (measured: 24 bytes at
 * width 360 for yuv420p -> bgr24), so destinations carry this much slack beyond width*height*3. */
#define SF_SCALER_SLACK 256

/* A packet ring never holds more than this, whatever the stream's GOP (about 50 s of an 8 Mbit/s camera). */
#define SF_RING_MAX_BYTES (48LL << 20)

typedef struct {
    int64_t packets, corrupt_packets, decode_errors, video_frames, audio_frames, subtitle_cues;
    int64_t truncated;      /* 1: the input ended well before the duration or frame count its header declares */
    double reached;         /* media seconds demuxed so far */
    int64_t ring_bytes;     /* compressed packets held for clips */
    int32_t ring_packets;
    double ring_seconds;
} sf_stats;

typedef struct {
    AVCodecContext *ctx;
    int stream, done;
    double next_pts; /* fallback clock when a frame has no timestamp */
} sf_decoder;

typedef struct {
    AVFormatContext *fmt;
    sf_params p;
    sf_decoder video, audio, subtitle;
    sf_decoder *pending; /* decoder that may still hold frames */
    int draining, audio_flushed;
    double start;        /* container start time, subtracted from every timestamp */
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws;
    int out_w, out_h;
    struct SwsContext *sws_tagged; /* the context whose colour matrix was last set, and for what */
    enum AVColorSpace tagged_colorspace;
    int tagged_range;
    SwrContext *swr;
    AVChannelLayout swr_layout; /* what the resampler was set up for: a stream may change it mid-way */
    int swr_format, swr_rate;
    float *audio_buf;
    int audio_cap, audio_len;
    char *text;
    int text_cap, text_len;
    double reached;      /* end of the furthest packet demuxed, media seconds */
    int64_t video_packets;
    _Atomic int abort;
    int64_t deadline;
    int armed_ms, timed_out;
    sf_stats stats;
    sf_clipper *clipper;
    char error[512];
} sf_source;

static void set_error(sf_source *s, const char *what, int averr) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(averr, buf, sizeof buf);
    snprintf(s->error, sizeof s->error, "%s: %s", what, buf);
}

static int classify(sf_source *s, int averr) {
    if (atomic_load(&s->abort)) return SF_ERR_ABORTED;
    if (averr == AVERROR_EXIT && s->timed_out) return SF_ERR_TIMEOUT;
    switch (averr) {
    case AVERROR(ENOENT): case AVERROR_HTTP_NOT_FOUND: return SF_ERR_NOT_FOUND;
    case AVERROR_INVALIDDATA: case AVERROR_DEMUXER_NOT_FOUND: case AVERROR_STREAM_NOT_FOUND:
    case AVERROR_EOF: return SF_ERR_NOT_MEDIA;
    case AVERROR_DECODER_NOT_FOUND: case AVERROR_PROTOCOL_NOT_FOUND: case AVERROR_PATCHWELCOME:
    case AVERROR(ENOSYS): return SF_ERR_UNSUPPORTED;
    case AVERROR(ECONNREFUSED): case AVERROR(ECONNRESET): case AVERROR(EHOSTUNREACH):
    case AVERROR(ENETUNREACH): case AVERROR(EPIPE): case AVERROR_HTTP_BAD_REQUEST:
    case AVERROR_HTTP_OTHER_4XX: case AVERROR_HTTP_SERVER_ERROR: return SF_ERR_NETWORK;
    case AVERROR_HTTP_UNAUTHORIZED: case AVERROR_HTTP_FORBIDDEN: return SF_ERR_DENIED;
    case AVERROR(ETIMEDOUT): return SF_ERR_TIMEOUT;
    case AVERROR(ENOMEM): return SF_ERR_NO_MEMORY;
    case AVERROR(EINVAL): return SF_ERR_ARGUMENT;
    default: return SF_ERR_IO;
    }
}

static int fail(sf_source *s, const char *what, int averr) {
    if (averr == AVERROR_EXIT && atomic_load(&s->abort))
        snprintf(s->error, sizeof s->error, "%s: interrupted", what);
    else if (averr == AVERROR_EXIT && s->timed_out)
        snprintf(s->error, sizeof s->error, "%s: timed out after %.1f s without data", what, s->armed_ms / 1000.0);
    else
        set_error(s, what, averr);
    return classify(s, averr);
}

static int interrupt_cb(void *opaque) {
    sf_source *s = opaque;
    if (atomic_load(&s->abort)) return 1;
    if (s->deadline && av_gettime_relative() > s->deadline) { s->timed_out = 1; return 1; }
    return 0;
}

static void arm_deadline(sf_source *s, int timeout_ms) {
    s->timed_out = 0;
    s->armed_ms = timeout_ms;
    s->deadline = timeout_ms > 0 ? av_gettime_relative() + (int64_t)timeout_ms * 1000 : 0;
}

static double seconds(sf_source *s, int64_t ts, AVRational tb) {
    return ts == AV_NOPTS_VALUE ? NAN : ts * av_q2d(tb) - s->start;
}

static int open_decoder(sf_source *s, sf_decoder *d, int stream) {
    AVStream *st = s->fmt->streams[stream];
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec) {
        snprintf(s->error, sizeof s->error, "no decoder for codec '%s' (stream %d)",
                 avcodec_get_name(st->codecpar->codec_id), stream);
        return SF_ERR_UNSUPPORTED;
    }
    d->ctx = avcodec_alloc_context3(codec);
    if (!d->ctx) return SF_ERR_NO_MEMORY;
    int r = avcodec_parameters_to_context(d->ctx, st->codecpar);
    if (r < 0) return fail(s, "decoder parameters", r);
    d->ctx->pkt_timebase = st->time_base;
    if (codec->type == AVMEDIA_TYPE_VIDEO) d->ctx->thread_count = s->p.decoder_threads;
    if ((r = avcodec_open2(d->ctx, codec, NULL)) < 0) return fail(s, "opening decoder", r);
    d->stream = stream;
    d->next_pts = NAN;
    return 0;
}

static int is_text_subtitle(const AVCodecParameters *par) {
    const AVCodecDescriptor *desc = avcodec_descriptor_get(par->codec_id);
    return desc && (desc->props & AV_CODEC_PROP_TEXT_SUB);
}

static int abi_matches(void) {
    return (avformat_version() >> 16) == LIBAVFORMAT_VERSION_MAJOR &&
           (avcodec_version() >> 16) == LIBAVCODEC_VERSION_MAJOR &&
           (avutil_version() >> 16) == LIBAVUTIL_VERSION_MAJOR &&
           (swscale_version() >> 16) == LIBSWSCALE_VERSION_MAJOR &&
           (swresample_version() >> 16) == LIBSWRESAMPLE_VERSION_MAJOR;
}

SF_API const char *sf_error_message(sf_source *s) { return s ? s->error : ""; }

SF_API void sf_get_stats(sf_source *s, sf_stats *out) {
    *out = s->stats;
    out->reached = s->reached;
    if (s->clipper) clipper_ring(s->clipper, &out->ring_bytes, &out->ring_packets, &out->ring_seconds);
}

/* Only headers that state the duration or frame count (mp4, avi, mkv) tell a cut file from a short one. */
static void check_truncation(sf_source *s) {
    if (s->fmt->duration_estimation_method != AVFMT_DURATION_FROM_STREAM) return;
    if (s->fmt->duration != AV_NOPTS_VALUE) {
        double expected = s->fmt->duration / (double)AV_TIME_BASE;
        double tolerance = expected * 0.05 > 1.0 ? expected * 0.05 : 1.0;
        if (s->reached < expected - tolerance) s->stats.truncated = 1;
    }
    if (s->video.stream >= 0) {
        int64_t declared = s->fmt->streams[s->video.stream]->nb_frames;
        int64_t tolerance = declared / 20 > 2 ? declared / 20 : 2;
        if (declared > 0 && s->video_packets < declared - tolerance) s->stats.truncated = 1;
    }
}

/* At open, without decoding: an index that points past the end of the file (mp4, mkv), or a header frame
 * count that needs far more time than the file holds (avi without its index). */
static void check_declared_extent(sf_source *s) {
    int64_t size = s->fmt->pb ? avio_size(s->fmt->pb) : -1;
    for (unsigned i = 0; i < s->fmt->nb_streams; i++) {
        AVStream *st = s->fmt->streams[i];
        int entries = avformat_index_get_entries_count(st);
        const AVIndexEntry *last = entries > 0 ? avformat_index_get_entry(st, entries - 1) : NULL;
        if (size > 0 && last && last->pos + last->size > size) s->stats.truncated = 1;
        if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && st->nb_frames > 0 && st->avg_frame_rate.num &&
            st->duration != AV_NOPTS_VALUE) {
            double declared = st->nb_frames / av_q2d(st->avg_frame_rate);
            double present = st->duration * av_q2d(st->time_base);
            if (declared > present * 1.05 + 1.0) s->stats.truncated = 1;
        }
    }
}

static void track_reached(sf_source *s, const AVPacket *pkt) {
    int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts; /* AVI packets often carry only a DTS */
    if (ts == AV_NOPTS_VALUE) return;
    AVRational tb = s->fmt->streams[pkt->stream_index]->time_base;
    double end = (ts + (pkt->duration > 0 ? pkt->duration : 0)) * av_q2d(tb) - s->start;
    if (end > s->reached) s->reached = end;
}

/* Safe from any thread: makes the blocking call in progress return SF_ERR_ABORTED. */
SF_API void sf_interrupt(sf_source *s) { if (s) atomic_store(&s->abort, 1); }

SF_API void sf_close(sf_source *s) {
    if (!s) return;
    clipper_free(&s->clipper);
    avcodec_free_context(&s->video.ctx);
    avcodec_free_context(&s->audio.ctx);
    avcodec_free_context(&s->subtitle.ctx);
    avformat_close_input(&s->fmt);
    av_packet_free(&s->pkt);
    av_frame_free(&s->frame);
    sws_freeContext(s->sws);
    swr_free(&s->swr);
    av_channel_layout_uninit(&s->swr_layout);
    av_free(s->audio_buf);
    av_free(s->text);
    av_free(s);
}

SF_API sf_source *sf_create(void) {
    sf_source *s = av_mallocz(sizeof *s);
    if (!s) return NULL;
    s->video.stream = s->audio.stream = s->subtitle.stream = -1;
    return s;
}

static void parse_options(const char *options, AVDictionary **dict) {
    if (options && *options) av_dict_parse_string(dict, options, "=", "\n", 0);
}

/* options: "key=value" lines passed to the demuxer/protocol (e.g. rtsp_transport=tcp).
 * format: forced input format (e.g. "v4l2"), or NULL to probe. */
static int open_streams(sf_source *s);

/* Resampling from an absurd rate (a corrupt header) would take gigabytes and seconds per frame. */
static int plausible_audio(int rate, int channels) { return rate >= 1000 && rate <= 768000 && channels > 0 && channels <= 64; }
static int configure_resampler(sf_source *s, AVChannelLayout *layout, int format, int rate);

SF_API int sf_open(sf_source *s, const char *url, const char *format, const char *options, const sf_params *p) {
    static int devices_registered;
    if (!abi_matches()) {
        snprintf(s->error, sizeof s->error,
                 "libav ABI mismatch: built for libavformat %d, running %u (another FFmpeg was bound)",
                 LIBAVFORMAT_VERSION_MAJOR, avformat_version() >> 16);
        return SF_ERR_ABI;
    }
    if (!devices_registered) {
        avdevice_register_all();
        /* No single buffer of a real stream comes near this (an 8K BGR frame is 100 MB); corrupt headers that ask
         * for more get ENOMEM, which is reported as bad input, instead of taking the machine's memory. */
        av_max_alloc(512 << 20);
        devices_registered = 1;
    }
    av_log_set_level(AV_LOG_FATAL);
    s->p = *p;
    const AVInputFormat *ifmt = NULL;
    if (format && *format && !(ifmt = av_find_input_format(format))) {
        snprintf(s->error, sizeof s->error, "unknown input format '%s'", format);
        return SF_ERR_UNSUPPORTED;
    }
    if (!(s->fmt = avformat_alloc_context())) return SF_ERR_NO_MEMORY;
    s->fmt->interrupt_callback.callback = interrupt_cb;
    s->fmt->interrupt_callback.opaque = s;
    AVDictionary *dict = NULL;
    parse_options(options, &dict);
    arm_deadline(s, p->open_timeout_ms);
    int r = avformat_open_input(&s->fmt, url, ifmt, &dict);
    av_dict_free(&dict);
    if (r < 0) return fail(s, "opening input", r);
    return open_streams(s);
}

/* After the demuxer is open: stream info, the best audio and video streams and their decoders, subtitles.
 * (tests/fuzz opens the demuxer on bytes in memory and shares everything from here on.) */
static int open_streams(sf_source *s) {
    const sf_params *p = &s->p;
    int r;
    /* FFmpeg opens any .txt/.bin/.adf file as "text art" video; for a camera pipeline that is not media. */
    static const char *text_art[] = { "tty", "bin", "xbin", "adf", "idf" };
    for (size_t i = 0; i < sizeof text_art / sizeof *text_art; i++)
        if (!strcmp(s->fmt->iformat->name, text_art[i])) {
            snprintf(s->error, sizeof s->error, "FFmpeg reads it only as '%s' text art", text_art[i]);
            return SF_ERR_NOT_MEDIA;
        }
    r = avformat_find_stream_info(s->fmt, NULL);
    /* An interrupted analysis can still report success, with half-known streams. */
    if (r >= 0 && (atomic_load(&s->abort) || s->timed_out)) r = AVERROR_EXIT;
    if (r < 0) return fail(s, "reading stream info", r);
    s->deadline = 0;
    s->start = s->fmt->start_time == AV_NOPTS_VALUE ? 0 : s->fmt->start_time / (double)AV_TIME_BASE;
    check_declared_extent(s);

    int v = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    int a = av_find_best_stream(s->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (v < 0 && a < 0) {
        if (v == AVERROR_DECODER_NOT_FOUND || a == AVERROR_DECODER_NOT_FOUND) {
            snprintf(s->error, sizeof s->error, "no decoder for any audio or video stream");
            return SF_ERR_UNSUPPORTED;
        }
        snprintf(s->error, sizeof s->error, "no audio or video stream found (format '%s')", s->fmt->iformat->name);
        return SF_ERR_NOT_MEDIA;
    }
    if (p->want_video && v >= 0 && (r = open_decoder(s, &s->video, v)) < 0) return r;
    if (a >= 0 && !plausible_audio(s->fmt->streams[a]->codecpar->sample_rate, s->fmt->streams[a]->codecpar->ch_layout.nb_channels)) {
        if (v < 0) {
            snprintf(s->error, sizeof s->error, "the audio stream claims %d Hz, %d channels (corrupt header)",
                     s->fmt->streams[a]->codecpar->sample_rate, s->fmt->streams[a]->codecpar->ch_layout.nb_channels);
            return SF_ERR_NOT_MEDIA;
        }
        a = -1; /* the video can still be read */
    }
    if (p->want_audio && a >= 0) {
        if ((r = open_decoder(s, &s->audio, a)) < 0) return r;
        AVCodecContext *c = s->audio.ctx;
        if ((r = configure_resampler(s, &c->ch_layout, c->sample_fmt, c->sample_rate)) < 0) return r;
    }
    if (p->want_subtitles) {
        for (unsigned i = 0; i < s->fmt->nb_streams; i++) {
            AVCodecParameters *par = s->fmt->streams[i]->codecpar;
            if (par->codec_type == AVMEDIA_TYPE_SUBTITLE && is_text_subtitle(par)) {
                if ((r = open_decoder(s, &s->subtitle, (int)i)) < 0) return r;
                break;
            }
        }
    }
    if (!(s->pkt = av_packet_alloc()) || !(s->frame = av_frame_alloc())) return SF_ERR_NO_MEMORY;
    if (p->clips && !(s->clipper = clipper_create(s->fmt, v, a, s->start, p->pre_roll_ms / 1000.0, SF_RING_MAX_BYTES)))
        return SF_ERR_NO_MEMORY;
    return 0;
}

SF_API int sf_stream_count(sf_source *s) { return (int)s->fmt->nb_streams; }

SF_API double sf_duration(sf_source *s) {
    return s->fmt->duration == AV_NOPTS_VALUE ? NAN : s->fmt->duration / (double)AV_TIME_BASE;
}

SF_API const char *sf_format_name(sf_source *s) { return s->fmt->iformat->name; }

SF_API void sf_get_stream(sf_source *s, int i, sf_stream *out) {
    memset(out, 0, sizeof *out);
    AVStream *st = s->fmt->streams[i];
    AVCodecParameters *par = st->codecpar;
    out->index = i;
    out->kind = par->codec_type == AVMEDIA_TYPE_VIDEO ? SF_VIDEO
              : par->codec_type == AVMEDIA_TYPE_AUDIO ? SF_AUDIO
              : par->codec_type == AVMEDIA_TYPE_SUBTITLE ? SF_SUBTITLE : 0;
    out->width = par->width;
    out->height = par->height;
    out->sample_rate = par->sample_rate;
    out->channels = par->ch_layout.nb_channels;
    out->fps = st->avg_frame_rate.den ? av_q2d(st->avg_frame_rate) : 0;
    out->duration = st->duration == AV_NOPTS_VALUE ? NAN : st->duration * av_q2d(st->time_base);
    out->start = seconds(s, st->start_time, st->time_base);
    out->selected = i == s->video.stream || i == s->audio.stream || i == s->subtitle.stream;
    snprintf(out->codec, sizeof out->codec, "%s", avcodec_get_name(par->codec_id));
    AVDictionaryEntry *lang = av_dict_get(st->metadata, "language", NULL, 0);
    snprintf(out->language, sizeof out->language, "%s", lang ? lang->value : "");
}

static double frame_pts(sf_source *s, sf_decoder *d, double step) {
    AVRational tb = s->fmt->streams[d->stream]->time_base;
    double pts = seconds(s, s->frame->best_effort_timestamp, tb);
    if (isnan(pts)) pts = isnan(d->next_pts) ? 0 : d->next_pts;
    d->next_pts = pts + step;
    return pts;
}

static void output_size(sf_source *s, int w, int h) {
    int ow = s->p.video_width, oh = s->p.video_height;
    if (ow <= 0 && oh <= 0) { ow = w; oh = h; }
    else if (ow <= 0) ow = (int)((int64_t)w * oh / h + 1) & ~1;
    else if (oh <= 0) oh = (int)((int64_t)h * ow / w + 1) & ~1;
    s->out_w = ow;
    s->out_h = oh;
}

static int ensure_audio_capacity(sf_source *s, int samples) {
    if (samples <= s->audio_cap) return 0;
    float *buf = av_realloc(s->audio_buf, (size_t)samples * sizeof(float));
    if (!buf) return SF_ERR_NO_MEMORY;
    s->audio_buf = buf;
    s->audio_cap = samples;
    return 0;
}

/* Resamples the decoded frame (or, with frame == NULL, what the resampler still holds). */
/* Mono float at the output rate, from whatever layout, format and rate the decoder gives. */
static int configure_resampler(sf_source *s, AVChannelLayout *layout, int format, int rate) {
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    swr_free(&s->swr);
    av_channel_layout_uninit(&s->swr_layout);
    int r = swr_alloc_set_opts2(&s->swr, &mono, AV_SAMPLE_FMT_FLT, s->p.audio_rate, layout, format, rate, 0, NULL);
    if (r < 0 || (r = swr_init(s->swr)) < 0) return fail(s, "audio resampler", r);
    s->swr_format = format;
    s->swr_rate = rate;
    return av_channel_layout_copy(&s->swr_layout, layout);
}

static int resample(sf_source *s, const AVFrame *frame, sf_item *item, double pts) {
    /* A damaged or changing stream can decode to another layout, format or rate than it started with: the
     * resampler would read planes the frame does not have. */
    if (frame && (frame->format != s->swr_format || frame->sample_rate != s->swr_rate ||
                  av_channel_layout_compare(&frame->ch_layout, &s->swr_layout))) {
        int r = configure_resampler(s, (AVChannelLayout *)&frame->ch_layout, frame->format, frame->sample_rate);
        if (r < 0) return r;
    }
    int in = frame ? frame->nb_samples : 0;
    int cap = (int)swr_get_out_samples(s->swr, in);
    int r = ensure_audio_capacity(s, cap > 0 ? cap : 1);
    if (r < 0) return r;
    uint8_t *out = (uint8_t *)s->audio_buf;
    /* The first output sample was buffered this long ago: shift its timestamp back by that delay. */
    double delay = swr_get_delay(s->swr, s->p.audio_rate) / (double)s->p.audio_rate;
    int n = swr_convert(s->swr, &out, cap, frame ? (const uint8_t **)frame->extended_data : NULL, in);
    if (n < 0) return fail(s, "resampling audio", n);
    s->audio_len = n;
    item->kind = SF_AUDIO;
    item->samples = n;
    item->pts = pts - delay;
    item->stream = s->audio.stream;
    return n;
}

static int take_frame(sf_source *s, sf_decoder *d, sf_item *item) {
    AVFrame *f = s->frame;
    if (d == &s->video) {
        AVStream *st = s->fmt->streams[d->stream];
        double step = st->avg_frame_rate.num ? 1 / av_q2d(st->avg_frame_rate) : 0.04;
        output_size(s, f->width, f->height);
        item->kind = SF_VIDEO;
        item->width = s->out_w;
        item->height = s->out_h;
        item->buffer_bytes = s->out_w * 3 * s->out_h + SF_SCALER_SLACK;
        item->pts = frame_pts(s, d, step);
        item->stream = d->stream;
        s->stats.video_frames++;
        return SF_VIDEO;
    }
    if (!plausible_audio(f->sample_rate, f->ch_layout.nb_channels) || f->format < 0) {
        s->stats.decode_errors++; /* no audio can be made of it */
        av_frame_unref(f);
        return 0;
    }
    double pts = frame_pts(s, d, f->nb_samples / (double)f->sample_rate);
    int r = resample(s, f, item, pts);
    av_frame_unref(f);
    if (r < 0) return r;
    s->stats.audio_frames++;
    return SF_AUDIO;
}

static int append_text(sf_source *s, const char *text) {
    int len = (int)strlen(text);
    if (s->text_len + len + 2 > s->text_cap) {
        int cap = (s->text_len + len + 2) * 2;
        char *buf = av_realloc(s->text, cap);
        if (!buf) return SF_ERR_NO_MEMORY;
        s->text = buf;
        s->text_cap = cap;
    }
    if (s->text_len) s->text[s->text_len++] = '\n';
    memcpy(s->text + s->text_len, text, len);
    s->text_len += len;
    s->text[s->text_len] = 0;
    return 0;
}

/* Returns SF_SUBTITLE with the cue in s->text (ASS dialogue lines, plain text for the managed side
 * to strip), or 0 when the packet held no text cue. */
static int decode_subtitle(sf_source *s, sf_item *item) {
    AVSubtitle sub;
    int got = 0;
    int r = avcodec_decode_subtitle2(s->subtitle.ctx, &sub, &got, s->pkt);
    if (r < 0) { s->stats.decode_errors++; return 0; }
    if (!got) return 0;
    AVRational tb = s->fmt->streams[s->subtitle.stream]->time_base;
    double base = sub.pts != AV_NOPTS_VALUE ? sub.pts / (double)AV_TIME_BASE - s->start
                                            : seconds(s, s->pkt->pts, tb);
    if (isnan(base)) base = 0;
    double end = sub.end_display_time && sub.end_display_time != UINT32_MAX
               ? base + sub.end_display_time / 1000.0
               : base + (s->pkt->duration > 0 ? s->pkt->duration * av_q2d(tb) : 0);
    s->text_len = 0;
    int status = 0;
    for (unsigned i = 0; i < sub.num_rects && status == 0; i++) {
        AVSubtitleRect *rect = sub.rects[i];
        const char *t = rect->type == SUBTITLE_ASS ? rect->ass : rect->type == SUBTITLE_TEXT ? rect->text : NULL;
        if (t) status = append_text(s, t);
    }
    avsubtitle_free(&sub);
    if (status < 0) return status;
    if (!s->text_len) return 0;
    item->kind = SF_SUBTITLE;
    item->pts = base + sub.start_display_time / 1000.0;
    item->end = end;
    item->text_bytes = s->text_len;
    item->stream = s->subtitle.stream;
    s->stats.subtitle_cues++;
    return SF_SUBTITLE;
}

static sf_decoder *decoder_for(sf_source *s, int stream) {
    if (stream == s->video.stream && s->video.ctx) return &s->video;
    if (stream == s->audio.stream && s->audio.ctx) return &s->audio;
    return NULL;
}

/* After the demuxer ends: flush each decoder in turn, then the resampler. */
static int next_drain_step(sf_source *s, sf_item *item) {
    sf_decoder *order[] = { &s->video, &s->audio };
    for (int i = 0; i < 2; i++) {
        sf_decoder *d = order[i];
        if (d->ctx && !d->done) {
            avcodec_send_packet(d->ctx, NULL);
            d->done = 1;
            s->pending = d;
            return 1;
        }
    }
    if (s->swr && !s->audio_flushed) {
        s->audio_flushed = 1;
        int n = resample(s, NULL, item, isnan(s->audio.next_pts) ? 0 : s->audio.next_pts);
        if (n < 0) return n;
        if (n > 0) return SF_AUDIO;
    }
    return SF_END;
}

/* Starts an evidence clip at the last keyframe at or before media time `from`, at most `max_seconds` long, written
 * to base.mp4 (base.mkv when a codec cannot go into MP4) under a temporary name; see sfclip.h. */
SF_API int sf_clip_begin(sf_source *s, const char *base, double from, double max_seconds) {
    if (!s->clipper) { snprintf(s->error, sizeof s->error, "clips were not asked for when the source was opened"); return SF_ERR_ARGUMENT; }
    return clipper_begin(s->clipper, base, from, max_seconds, s->error, sizeof s->error) < 0 ? SF_ERR_IO : 0;
}

/* "mp4", or "mkv" when a stream's codec cannot go into MP4; "" without clips. */
SF_API const char *sf_clip_extension(sf_source *s) { return s->clipper ? clipper_extension(s->clipper) : ""; }

SF_API void sf_clip_stop_at(sf_source *s, double until) { if (s->clipper) clipper_stop_at(s->clipper, until); }

SF_API void sf_clip_finish(sf_source *s) { if (s->clipper) clipper_finish(s->clipper); }

SF_API int sf_clip_take(sf_source *s, sf_clip_info *out) { return s->clipper ? clipper_take_finished(s->clipper, out) : 0; }

/* Delivers the next decoded item in demux order: SF_VIDEO, SF_AUDIO, SF_SUBTITLE,
 * SF_END at end of input, or a negative sf_error. Corrupt packets are counted and skipped. */
SF_API int sf_next(sf_source *s, sf_item *item) {
    memset(item, 0, sizeof *item);
    for (;;) {
        if (atomic_load(&s->abort)) { snprintf(s->error, sizeof s->error, "aborted"); return SF_ERR_ABORTED; }
        if (s->pending) {
            int r = avcodec_receive_frame(s->pending->ctx, s->frame);
            if (r == 0) {
                if (s->frame->decode_error_flags || (s->frame->flags & AV_FRAME_FLAG_CORRUPT)) s->stats.decode_errors++;
                int taken = take_frame(s, s->pending, item);
                if (taken != 0) return taken;
                continue; /* a frame with nothing to take */
            }
            if (r != AVERROR(EAGAIN) && r != AVERROR_EOF) s->stats.decode_errors++;
            s->pending = NULL;
            continue;
        }
        if (s->draining) {
            int r = next_drain_step(s, item);
            if (r == 1) continue;
            return r;
        }
        arm_deadline(s, s->p.read_timeout_ms);
        int r = av_read_frame(s->fmt, s->pkt);
        s->deadline = 0;
        if (r == AVERROR(EAGAIN)) { av_usleep(1000); continue; }
        /* A truncated file ends in read errors at end of file: deliver what came before. */
        if (r == AVERROR_EOF || (r < 0 && s->fmt->pb && avio_feof(s->fmt->pb))) {
            if (r != AVERROR_EOF) s->stats.truncated = 1;
            check_truncation(s);
            if (s->clipper) clipper_finish(s->clipper);
            s->draining = 1;
            continue;
        }
        if (r == AVERROR_INVALIDDATA) { s->stats.corrupt_packets++; continue; }
        if (r < 0) return fail(s, "reading input", r);
        s->stats.packets++;
        track_reached(s, s->pkt);
        if (s->clipper) clipper_add(s->clipper, s->pkt);
        if (s->pkt->stream_index == s->video.stream) s->video_packets++;
        if (s->pkt->flags & AV_PKT_FLAG_CORRUPT) s->stats.corrupt_packets++;
        if (s->pkt->stream_index == s->subtitle.stream && s->subtitle.ctx) {
            int k = decode_subtitle(s, item);
            av_packet_unref(s->pkt);
            if (k != 0) return k;
            continue;
        }
        sf_decoder *d = decoder_for(s, s->pkt->stream_index);
        if (d) {
            r = avcodec_send_packet(d->ctx, s->pkt);
            if (r < 0 && r != AVERROR(EAGAIN)) s->stats.corrupt_packets++;
            s->pending = d;
        }
        av_packet_unref(s->pkt);
    }
}

/* Use the frame's YUV matrix (BT.709, BT.601, ...) and range, as ffmpeg's scale filter does;
 * swscale otherwise assumes BT.601 limited range and shifts the colours of HD streams. */
static void apply_colour_tags(sf_source *s, const AVFrame *f) {
    int range = f->color_range == AVCOL_RANGE_JPEG;
    if (s->sws == s->sws_tagged && f->colorspace == s->tagged_colorspace && range == s->tagged_range) return;
    int *inv_table, *table, src_range, dst_range, brightness, contrast, saturation;
    if (sws_getColorspaceDetails(s->sws, &inv_table, &src_range, &table, &dst_range, &brightness, &contrast, &saturation) >= 0)
        sws_setColorspaceDetails(s->sws, sws_getCoefficients(f->colorspace), range, table, dst_range, brightness, contrast, saturation);
    s->sws_tagged = s->sws;
    s->tagged_colorspace = f->colorspace;
    s->tagged_range = range;
}

/* Converts the video frame just returned by sf_next into BGR24 at dst, rows of width*3 bytes;
 * capacity must be at least the item's buffer_bytes. */
SF_API int sf_video_copy(sf_source *s, uint8_t *dst, int capacity) {
    AVFrame *f = s->frame;
    if (!s->p.convert_video) { av_frame_unref(f); return 0; }
    int stride = s->out_w * 3;
    if (capacity < stride * s->out_h + SF_SCALER_SLACK) {
        snprintf(s->error, sizeof s->error, "frame buffer of %d bytes is too small", capacity);
        av_frame_unref(f);
        return SF_ERR_ARGUMENT;
    }
    s->sws = sws_getCachedContext(s->sws, f->width, f->height, f->format, s->out_w, s->out_h,
                                  AV_PIX_FMT_BGR24, SWS_BICUBIC, NULL, NULL, NULL);
    if (!s->sws) {
        snprintf(s->error, sizeof s->error, "no conversion from %s to bgr24", av_get_pix_fmt_name(f->format));
        av_frame_unref(f);
        return SF_ERR_UNSUPPORTED;
    }
    apply_colour_tags(s, f);
    uint8_t *planes[4] = { dst };
    int strides[4] = { stride };
    sws_scale(s->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
    av_frame_unref(f);
    return 0;
}

SF_API int sf_audio_copy(sf_source *s, float *dst, int capacity) {
    int n = s->audio_len < capacity ? s->audio_len : capacity;
    memcpy(dst, s->audio_buf, (size_t)n * sizeof(float));
    return n;
}

SF_API int sf_subtitle_copy(sf_source *s, char *dst, int capacity) {
    int n = s->text_len < capacity ? s->text_len : capacity;
    memcpy(dst, s->text, n);
    return n;
}

/* "libavformat 59.27.100, libavcodec ..." for diagnostics. */
SF_API void sf_versions(char *dst, int capacity) {
    unsigned f = avformat_version(), c = avcodec_version(), u = avutil_version();
    snprintf(dst, capacity, "libavformat %u.%u.%u, libavcodec %u.%u.%u, libavutil %u.%u.%u",
             f >> 16, (f >> 8) & 255, f & 255, c >> 16, (c >> 8) & 255, c & 255, u >> 16, (u >> 8) & 255, u & 255);
}
