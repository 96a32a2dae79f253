/*
 * Holds packets handed to an NFQUEUE for a delay, then accepts them. With jitter, each packet's delay
 * is drawn from [delay, delay + jitter], so packets leave out of order (reordering).
 *
 * usage: nfq_delay <queue-number> <delay-ms> <jitter-ms>
 *
 * Prints "READY <queue>" on stdout once bound to the queue, and "STATS <queued> <accepted>" when it
 * receives SIGUSR1 or ends. At most MAX_HELD packets are held; beyond that a packet is accepted at once.
 * The queue is opened with FAIL_OPEN, so the kernel accepts packets when the queue is full.
 * Ends on SIGTERM/SIGINT, accepting every held packet first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 8192

struct held {
    uint32_t id;
    uint64_t release_ns;
};

static struct held heap[MAX_HELD];
static int held_count;
static long delay_ns;
static long jitter_ns;
static unsigned long long queued_total;
static unsigned long long accepted_total;
static volatile sig_atomic_t stop;
static volatile sig_atomic_t report;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void heap_push(uint32_t id, uint64_t release_ns) {
    int i = held_count++;
    heap[i].id = id;
    heap[i].release_ns = release_ns;
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (heap[parent].release_ns <= heap[i].release_ns) {
            break;
        }
        struct held t = heap[parent];
        heap[parent] = heap[i];
        heap[i] = t;
        i = parent;
    }
}

static struct held heap_pop(void) {
    struct held top = heap[0];
    heap[0] = heap[--held_count];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < held_count && heap[l].release_ns < heap[m].release_ns) m = l;
        if (r < held_count && heap[r].release_ns < heap[m].release_ns) m = r;
        if (m == i) break;
        struct held t = heap[m];
        heap[m] = heap[i];
        heap[i] = t;
        i = m;
    }
    return top;
}

static void accept_packet(struct nfq_q_handle *qh, uint32_t id) {
    nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
    accepted_total++;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
    (void) msg;
    (void) data;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    if (ph == NULL) {
        return 0;
    }
    uint32_t id = ntohl(ph->packet_id);
    queued_total++;
    if (held_count >= MAX_HELD) {
        accept_packet(qh, id);
        return 0;
    }
    long extra = jitter_ns > 0 ? (long) ((double) random() / RAND_MAX * (double) jitter_ns) : 0;
    heap_push(id, now_ns() + (uint64_t) (delay_ns + extra));
    return 0;
}

static void on_signal(int sig) {
    if (sig == SIGUSR1) {
        report = 1;
    } else {
        stop = 1;
    }
}

static void print_stats(void) {
    printf("STATS %llu %llu\n", queued_total, accepted_total);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s <queue-number> <delay-ms> <jitter-ms>\n", argv[0]);
        return 2;
    }
    int queue = atoi(argv[1]);
    delay_ns = atol(argv[2]) * 1000000L;
    jitter_ns = atol(argv[3]) * 1000000L;
    srandom((unsigned) (now_ns() ^ (uint64_t) getpid()));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    struct nfq_handle *h = nfq_open();
    if (h == NULL) {
        perror("nfq_open");
        return 1;
    }
    struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t) queue, &on_packet, NULL);
    if (qh == NULL) {
        perror("nfq_create_queue");
        return 1;
    }
    if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
        perror("nfq_set_mode");
        return 1;
    }
    nfq_set_queue_maxlen(qh, MAX_HELD);
    nfq_set_queue_flags(qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
    int fd = nfq_fd(h);
    printf("READY %d\n", queue);
    fflush(stdout);

    char buf[65536] __attribute__((aligned));
    while (!stop) {
        if (report) {
            report = 0;
            print_stats();
        }
        uint64_t now = now_ns();
        while (held_count > 0 && heap[0].release_ns <= now) {
            accept_packet(qh, heap_pop().id);
        }
        int timeout_ms = 100;
        if (held_count > 0) {
            uint64_t wait = heap[0].release_ns - now;
            timeout_ms = (int) (wait / 1000000ull);
            if (timeout_ms > 100) timeout_ms = 100;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = poll(&pfd, 1, timeout_ms);
        if (ready > 0) {
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                nfq_handle_packet(h, buf, (int) n);
            } else if (n < 0 && errno == ENOBUFS) {
                /* the kernel dropped queue messages; with FAIL_OPEN the packets still go out */
            }
        }
    }
    while (held_count > 0) {
        accept_packet(qh, heap_pop().id);
    }
    print_stats();
    nfq_destroy_queue(qh);
    nfq_close(h);
    return 0;
}
