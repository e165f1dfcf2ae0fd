/* results_units.c - numbers with units in results: parameter values and axis scaling.
 *
 * Parameter values are stored as written ("50Mbps") and, when they parse with sim/units.h,
 * as a number in the base unit (s, bps, B) so that stats sort and compare them numerically
 * and plot can place them on an axis. Scaling picks the decimal prefix a reader expects
 * (Mbps, ms, kB); the binary prefixes of sizes (KiB) are never chosen for axes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results_stats.h"
#include "sim/units.h"

int results_quantity_parse(const char *text, double *num, const char **unit)
{
    sim_time_t t;
    bps_t r;
    bytes_t b;
    if (!text)
        return -1;
    if (time_parse(text, &t, NULL, 0) == 0) {
        *num = (double)t * 1e-12;
        *unit = "s";
    } else if (rate_parse(text, &r, NULL, 0) == 0) {
        *num = (double)r;
        *unit = "bps";
    } else if (size_parse(text, &b, NULL, 0) == 0) {
        *num = (double)b;
        *unit = "B";
    } else {
        char *end;
        errno = 0;
        double d = strtod(text, &end);
        while (end != text && (*end == ' ' || *end == '\t'))
            end++;
        if (end == text || *end || errno || !isfinite(d))
            return -1;
        *num = d;
        *unit = "";
    }
    return 0;
}

void results_unit_scale(const char *unit, double maxabs, double *factor, char *label,
                        size_t len)
{
    static const struct { double div; const char *prefix; } up[] = {
        { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
    };
    static const struct { double mul; const char *name; } down[] = {
        { 1e3, "ms" }, { 1e6, "us" }, { 1e9, "ns" },
    };
    *factor = 1;
    snprintf(label, len, "%s", unit ? unit : "");
    if (!unit || !(maxabs > 0) || !isfinite(maxabs))
        return;
    if (strcmp(unit, "bps") == 0 || strcmp(unit, "B") == 0) {
        for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
            if (maxabs >= up[i].div) {
                *factor = 1 / up[i].div;
                snprintf(label, len, "%s%s", up[i].prefix, unit);
                return;
            }
        }
    } else if (strcmp(unit, "s") == 0 && maxabs < 1) {
        for (size_t i = 0; i < sizeof down / sizeof down[0]; i++) {
            if (maxabs * down[i].mul >= 1 || i + 1 == sizeof down / sizeof down[0]) {
                *factor = down[i].mul;
                snprintf(label, len, "%s", down[i].name);
                return;
            }
        }
    }
}
