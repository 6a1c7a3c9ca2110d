/* fuzz_driver.c - a main() for the core harness where libFuzzer is missing
 * (gcc builds): replays corpus files, then, for a bounded time, feeds
 * structure-aware random mutations of them (a deterministic PRNG).
 *
 *   fuzz_core_replay [-t SECONDS] [-s SEED] [-a CRASH_FILE] FILE_OR_DIR...
 *
 * Directories are read one level deep, files in name order.  Without -t
 * (or -t 0) it only replays.  On a broken invariant or a sanitizer report
 * the input being run is written to CRASH_FILE (default ./fuzz-crash.bin)
 * before the process dies, so it can be replayed: fuzz_core_replay FILE.
 */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_core.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_INPUT (FUZZ_RECORD_SIZE * 4096)

typedef struct input {
    uint8_t *data;
    size_t   size;
} input;

static input *corpus;
static size_t ncorpus, corpus_cap;

/* The input being run, for the crash file. */
static const uint8_t *cur_data;
static size_t cur_size;
static const char *crash_path = "fuzz-crash.bin";

static void dump_current(void)
{
    if (!cur_data)
        return;
    int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        ssize_t w = write(fd, cur_data, cur_size);
        (void)w;
        close(fd);
    }
    static const char msg[] = "fuzz_core_replay: input written to the crash file\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
}

static void on_abort(int sig)
{
    dump_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The sanitizers call this before exiting on a report (when linked in). */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void add_input(const uint8_t *data, size_t size)
{
    if (ncorpus == corpus_cap) {
        corpus_cap = corpus_cap ? corpus_cap * 2 : 64;
        corpus = realloc(corpus, corpus_cap * sizeof *corpus);
        if (!corpus)
            abort();
    }
    corpus[ncorpus].data = malloc(size ? size : 1);
    if (!corpus[ncorpus].data)
        abort();
    memcpy(corpus[ncorpus].data, data, size);
    corpus[ncorpus].size = size;
    ncorpus++;
}

static int read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    uint8_t *buf = malloc(MAX_INPUT);
    size_t n = buf ? fread(buf, 1, MAX_INPUT, f) : 0;
    fclose(f);
    if (!buf)
        abort();
    add_input(buf, n);
    free(buf);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return read_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n], len, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && read_file(names[i]) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ---- mutations --------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static const uint32_t interesting32[] = {
    0, 1, 2, 0x7FFFFFFFu, 0x80000000u, 0x80000001u, 0xFFFFFFFFu, 0xFFFFFFFEu,
    0xFFFFF000u, 1460, 65535, 65536, 0x00100000u, 0xFFF00000u,
};

enum { FUZZ_NS = 0x100, FUZZ_ALL_BITS = 0xFFF };   /* tcp.flags beyond tcplife_flags.h */

static const uint16_t flag_sets[] = {
    TL_SYN, TL_SYN | TL_ACK, TL_ACK, TL_PSH | TL_ACK, TL_FIN | TL_ACK,
    TL_FIN | TL_PSH | TL_ACK, TL_FIN, TL_RST, TL_RST | TL_ACK, TL_FIN | TL_RST,
    TL_SYN | TL_FIN, TL_SYN | TL_RST, TL_FIN | TL_SYN | TL_RST,
    TL_FIN | TL_SYN | TL_RST | TL_ACK, TL_SYN | TL_ECE | TL_CWR, TL_SYN | TL_ACK | TL_ECE,
    TL_ACK | TL_ECE | TL_CWR, TL_FIN | TL_SYN | TL_RST | TL_PSH | TL_ACK | TL_URG,
    TL_FIN | TL_SYN | TL_RST | TL_PSH | TL_ACK | TL_URG | TL_ECE | TL_CWR, FUZZ_NS,
    FUZZ_ALL_BITS, TL_URG, TL_URG | TL_ACK, 0,
};

static size_t mutate(uint8_t *buf, size_t size)
{
    size_t nrec = size / FUZZ_RECORD_SIZE;
    size = nrec * FUZZ_RECORD_SIZE;
    if (nrec == 0) {
        memset(buf, 0, FUZZ_RECORD_SIZE);
        buf[0] = FUZZ_CTL_SEQ_REL | FUZZ_CTL_ACK_REL | FUZZ_CTL_FROM_FIRST;
        buf[1] = TL_SYN;
        return FUZZ_RECORD_SIZE;
    }
    int rounds = 1 + (int)below(6);
    for (int k = 0; k < rounds; k++) {
        uint8_t *rec = buf + below(nrec) * FUZZ_RECORD_SIZE;
        switch (below(11)) {
        case 0:     /* one bit */
            buf[below(size)] ^= (uint8_t)(1u << below(8));
            break;
        case 1:     /* flags from the interesting sets, or random bits */
            if (below(3)) {
                uint16_t f = flag_sets[below(sizeof flag_sets / sizeof flag_sets[0])];
                rec[1] = (uint8_t)f;
                rec[2] = (uint8_t)(f >> 8);
            } else {
                rec[1] ^= (uint8_t)(1u << below(8));
            }
            break;
        case 2:     /* seq, ack or len to an interesting value */
        case 3: {
            static const int off[] = { 3, 7, 11 };
            put32(rec + off[below(3)], interesting32[below(sizeof interesting32 / sizeof interesting32[0])]);
            break;
        }
        case 4:     /* a small delta on seq or ack */
            put32(rec + (below(2) ? 3 : 7), (uint32_t)((int32_t)below(5) - 2));
            break;
        case 5:     /* ctl: slot, direction, checksum, cut, relative, new stream */
            rec[0] ^= (uint8_t)(1u << below(below(8) == 7 ? 8 : 7));
            break;
        case 6:     /* duplicate a record */
            if (size + FUZZ_RECORD_SIZE <= MAX_INPUT) {
                size_t at = below(nrec + 1) * FUZZ_RECORD_SIZE;
                memmove(buf + at + FUZZ_RECORD_SIZE, buf + at, size - at);
                memcpy(buf + at, rec < buf + at ? rec : rec + FUZZ_RECORD_SIZE, FUZZ_RECORD_SIZE);
                size += FUZZ_RECORD_SIZE;
                nrec++;
            }
            break;
        case 7:     /* delete a record */
            if (nrec > 1) {
                size_t at = (size_t)(rec - buf);
                memmove(rec, rec + FUZZ_RECORD_SIZE, size - at - FUZZ_RECORD_SIZE);
                size -= FUZZ_RECORD_SIZE;
                nrec--;
            }
            break;
        case 8: {   /* swap two records */
            uint8_t tmp[FUZZ_RECORD_SIZE];
            uint8_t *other = buf + below(nrec) * FUZZ_RECORD_SIZE;
            memcpy(tmp, rec, FUZZ_RECORD_SIZE);
            memmove(rec, other, FUZZ_RECORD_SIZE);
            memcpy(other, tmp, FUZZ_RECORD_SIZE);
            break;
        }
        case 9: {   /* splice records of another input */
            const input *in = &corpus[below(ncorpus)];
            size_t orec = in->size / FUZZ_RECORD_SIZE;
            if (orec == 0)
                break;
            size_t from = below(orec), count = 1 + below(orec - from);
            size_t at = below(nrec + 1) * FUZZ_RECORD_SIZE;
            if (size + count * FUZZ_RECORD_SIZE > MAX_INPUT)
                break;
            memmove(buf + at + count * FUZZ_RECORD_SIZE, buf + at, size - at);
            memcpy(buf + at, in->data + from * FUZZ_RECORD_SIZE, count * FUZZ_RECORD_SIZE);
            size += count * FUZZ_RECORD_SIZE;
            nrec += count;
            break;
        }
        default:    /* a random byte */
            buf[below(size)] = (uint8_t)rnd();
            break;
        }
    }
    return size;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double seconds = 0;
    unsigned long long seed = 1;
    int opt;

    while ((opt = getopt(argc, argv, "t:s:a:")) != -1) {
        switch (opt) {
        case 't': seconds = atof(optarg); break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'a': crash_path = optarg; break;
        default:
            fprintf(stderr, "usage: %s [-t SECONDS] [-s SEED] [-a CRASH_FILE] FILE_OR_DIR...\n",
                    argv[0]);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: no corpus given\n", argv[0]);
        return 2;
    }
    for (int i = optind; i < argc; i++)
        if (read_path(argv[i]) != 0)
            return 2;
    if (ncorpus == 0) {
        fprintf(stderr, "%s: the corpus is empty\n", argv[0]);
        return 2;
    }
    signal(SIGABRT, on_abort);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(dump_current);

    double t0 = now();
    size_t segments = 0;
    for (size_t i = 0; i < ncorpus; i++) {
        cur_data = corpus[i].data;
        cur_size = corpus[i].size;
        segments += fuzz_core_run(corpus[i].data, corpus[i].size);
    }
    printf("replayed %zu inputs, %zu segments, in %.2f s\n", ncorpus, segments, now() - t0);

    if (seconds > 0) {
        uint8_t *buf = malloc(MAX_INPUT);
        if (!buf)
            abort();
        rng_state ^= seed * 0xD1B54A32D192ED03ull;
        if (!rng_state)
            rng_state = 1;
        size_t runs = 0, msegs = 0;
        double start = now();
        while (now() - start < seconds) {
            for (int batch = 0; batch < 64; batch++) {
                const input *in = &corpus[below(ncorpus)];
                size_t size = in->size > MAX_INPUT ? MAX_INPUT : in->size;
                memcpy(buf, in->data, size);
                size = mutate(buf, size);
                cur_data = buf;
                cur_size = size;
                msegs += fuzz_core_run(buf, size);
                runs++;
            }
        }
        printf("mutated %zu inputs (%zu segments) in %.1f s, seed %llu: no invariant broken\n",
               runs, msegs, now() - start, seed);
        free(buf);
    }
    for (size_t i = 0; i < ncorpus; i++)
        free(corpus[i].data);
    free(corpus);
    return 0;
}
