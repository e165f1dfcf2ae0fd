/* log.h - levelled logging with per-module switches, free when off.
 *
 * A file declares its module once:      LOG_MODULE(sched);
 * and logs with                         log_debug(sched, "popped %d", n);
 * The macro tests the module's level (one load and compare) before evaluating any argument,
 * so a disabled log line costs a predictable branch and nothing else. Levels are set by
 * log_configure("warn,tcp=debug,mcp=trace") — from the MCPSIM_LOG environment variable or the
 * --log option of the command — and apply to modules registered before or after the call.
 * Messages go to stderr as "[level module] text", prefixed with simulated time when a clock
 * is installed with log_set_clock().
 */
#ifndef MCPSIM_SIM_LOG_H
#define MCPSIM_SIM_LOG_H

#include <stdint.h>

enum log_level { LOG_OFF = 0, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

struct log_module {
    const char *name;
    int level;
    struct log_module *next;
};

void log_module_register(struct log_module *m);
void log_emit(const struct log_module *m, enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses "LEVEL" or "MODULE=LEVEL" items separated by commas; -1 on a bad item (message in
 * err). Unknown module names are kept and apply when the module registers. */
int log_configure(const char *spec, char *err, unsigned long errlen);

/* The simulated clock shown in front of messages (NULL: none). */
void log_set_clock(int64_t (*now_ps)(void *ctx), void *ctx);

#define LOG_MODULE(mod)                                                     \
    static struct log_module log_module_##mod = { #mod, LOG_WARN, 0 };      \
    __attribute__((constructor)) static void log_register_##mod(void)       \
    {                                                                       \
        log_module_register(&log_module_##mod);                             \
    }

#define LOG_AT(mod, lvl, ...)                                               \
    do {                                                                    \
        if (__builtin_expect(log_module_##mod.level >= (lvl), 0))           \
            log_emit(&log_module_##mod, (lvl), __VA_ARGS__);                \
    } while (0)

#define log_error(mod, ...) LOG_AT(mod, LOG_ERROR, __VA_ARGS__)
#define log_warn(mod, ...) LOG_AT(mod, LOG_WARN, __VA_ARGS__)
#define log_info(mod, ...) LOG_AT(mod, LOG_INFO, __VA_ARGS__)
#define log_debug(mod, ...) LOG_AT(mod, LOG_DEBUG, __VA_ARGS__)
#define log_trace(mod, ...) LOG_AT(mod, LOG_TRACE, __VA_ARGS__)

#endif
