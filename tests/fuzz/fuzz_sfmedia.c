/* libFuzzer harness for the FFmpeg shim: the bytes are a media file read through an in-memory AVIOContext, then
 * the product's own loop runs on it: open_streams (stream info, decoders), sf_next until the end or an error,
 * and every item copied out (BGR conversion, mono float audio, subtitle text), as the managed side does. */
#include "../../src/StreamFusion.Media/Native/sfmedia.c"

typedef struct { const uint8_t *data; size_t size, at; } memory_input;

static int read_memory(void *opaque, uint8_t *buf, int size) {
    memory_input *m = opaque;
    if (m->at >= m->size) return AVERROR_EOF;
    size_t left = m->size - m->at;
    size_t n = left < (size_t)size ? left : (size_t)size;
    memcpy(buf, m->data + m->at, n);
    m->at += n;
    return (int)n;
}

static int64_t seek_memory(void *opaque, int64_t offset, int whence) {
    memory_input *m = opaque;
    if (whence == AVSEEK_SIZE) return (int64_t)m->size;
    int64_t base = (whence & ~AVSEEK_FORCE) == SEEK_CUR ? (int64_t)m->at : (whence & ~AVSEEK_FORCE) == SEEK_END ? (int64_t)m->size : 0;
    int64_t to = base + offset;
    if (to < 0) return AVERROR(EINVAL); /* like a file: past the end is allowed, and reads there see the end */
    m->at = (size_t)to;
    return to;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    av_log_set_level(AV_LOG_QUIET);
    memory_input input = { data, size, 0 };
    sf_source *s = sf_create();
    /* Small outputs keep each input fast; the converter still runs on every frame. */
    sf_params p = { .video_width = 64, .video_height = 0, .audio_rate = 16000, .want_video = 1, .want_audio = 1,
                    .want_subtitles = 1, .convert_video = 1, .decoder_threads = 1 };
    s->p = p;
    uint8_t *io_buffer = av_malloc(4096);
    AVIOContext *io = avio_alloc_context(io_buffer, 4096, 0, &input, read_memory, NULL, seek_memory);
    s->fmt = avformat_alloc_context();
    s->fmt->pb = io;
    s->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    s->fmt->interrupt_callback.callback = interrupt_cb;
    s->fmt->interrupt_callback.opaque = s;
    if (avformat_open_input(&s->fmt, "memory", NULL, NULL) == 0 && open_streams(s) == 0) {
        sf_item item;
        for (int items = 0; items < 2000 && sf_next(s, &item) > 0; items++) {
            if (item.kind == 1 && item.buffer_bytes > 0 && item.buffer_bytes < (64 << 20)) {
                uint8_t *frame = malloc((size_t)item.buffer_bytes);
                sf_video_copy(s, frame, item.buffer_bytes);
                free(frame);
            } else if (item.kind == 2 && item.samples > 0) {
                float *samples = malloc(sizeof(float) * (size_t)item.samples);
                sf_audio_copy(s, samples, item.samples);
                free(samples);
            } else if (item.kind == 3 && item.text_bytes >= 0) {
                char *text = malloc((size_t)item.text_bytes + 1);
                sf_subtitle_copy(s, text, item.text_bytes + 1);
                free(text);
            }
        }
    }
    sf_close(s); /* closes the demuxer (custom I/O: it leaves io to us) */
    if (io) av_freep(&io->buffer);
    avio_context_free(&io);
    return 0;
}
