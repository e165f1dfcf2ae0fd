/* test_plot.c - `mcpsim plot` writes well-formed figures, data and scripts.
 *
 * Checked per format: PNG by its 8-byte signature, PDF by "%PDF-" and "%%EOF", SVG by
 * parsing it as XML (python3's xml module when present, else a root-element check), txt by
 * the axis frame, the tick labels and the axis label with its unit. The data file must hold
 * the hand-known means in the scaled unit (Mbps), which checks scaling and grouping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"
#include "tests/results_fixture.h"

static char db_path[512];

/* rate 10Mbps: goodput 8 9 10 Mbps; 20Mbps: 17 18 19 Mbps; each for cc=reno and cc=lia
 * (lia +1 Mbps). */
static void build_db(void)
{
    if (db_path[0])
        return;
    snprintf(db_path, sizeof db_path, "%s", fx_path("plot.db"));
    struct results_db *db = fx_open(db_path);
    const char *names[] = { "sink", "goodput", "bps", "sink", "delay", "s" };
    const char *rates[] = { "10Mbps", "20Mbps" }, *ccs[] = { "reno", "lia" };
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++)
            for (int rep = 0; rep < 3; rep++) {
                char id[64], params[96];
                snprintf(id, sizeof id, "r%d-c%d-%d", r, c, rep);
                snprintf(params, sizeof params, "link.rate=%s,cc=%s", rates[r], ccs[c]);
                double v[2] = { ((r ? 17 : 8) + rep + c) * 1e6, 0.010 + 0.001 * rep };
                fx_run(db, id, params, (unsigned)rep, 2, names, v);
            }
    results_db_close(db);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

/* Runs mcpsim plot with args into tmpdir/name; returns the exit status. */
static int plot(const char *name, const char *args, char **out)
{
    char cmd[2048];
    build_db();
    snprintf(cmd, sizeof cmd, "%s plot %s %s -o %s/%s", harness_mcpsim(), db_path, args,
             harness_tmpdir(), name);
    return harness_run(cmd, out);
}

/* plot() that must succeed (its output is not looked at). */
static void plot_ok(const char *name, const char *args)
{
    char *out = NULL;
    CU_ASSERT_EQUAL(plot(name, args, &out), 0);
    free(out);
}

/* The file tmpdir/name read whole (NULL when it cannot be read). */
static char *read_tmp(const char *name, size_t *len)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", harness_tmpdir(), name);
    return slurp(path, len);
}

static bool have_gnuplot(void)
{
    if (harness_have_tool("gnuplot"))
        return true;
    harness_skip("gnuplot is not installed");
    return false;
}

static void test_png_and_pdf_have_their_signatures(void)
{
    if (!have_gnuplot())
        return;
    size_t len;
    plot_ok("g.png", "--x link.rate --y sink.goodput --by cc");
    char *png = read_tmp("g.png", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(png);
    CU_ASSERT(len > 1000 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    free(png);
    plot_ok("g.pdf", "--x link.rate --y sink.goodput");
    char *pdf = read_tmp("g.pdf", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pdf);
    CU_ASSERT(len > 500 && memcmp(pdf, "%PDF-", 5) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(pdf + len - 32, "%%EOF"));
    free(pdf);
}

static void test_svg_parses_as_xml(void)
{
    if (!have_gnuplot())
        return;
    char *out = NULL, cmd[1200];
    size_t len;
    plot_ok("g.svg", "--x cc --y sink.delay --by link.rate");
    char *svg = read_tmp("g.svg", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, "<svg"));
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, "</svg>"));
    free(svg);
    if (!harness_have_tool("python3")) {
        harness_skip("python3 missing: SVG checked for its root element only");
        return;
    }
    snprintf(cmd, sizeof cmd, "python3 -c 'import sys, xml.etree.ElementTree as E; "
             "r = E.parse(sys.argv[1]).getroot(); print(r.tag)' %s/g.svg", harness_tmpdir());
    CU_ASSERT_EQUAL(harness_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "{http://www.w3.org/2000/svg}svg"));
    free(out);
}

static void test_txt_has_axes_ticks_and_units(void)
{
    if (!have_gnuplot())
        return;
    size_t len;
    plot_ok("g.txt", "--x link.rate --y sink.goodput --by cc");
    char *txt = read_tmp("g.txt", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "+-----")); /* the frame's corners and edges */
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "link.rate (Mbps)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "sink.goodput (Mbps)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "lia")); /* the key, below the frame */
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, " 20 ")); /* an x tick label */
    /* Every line fits a mail (79 columns). */
    for (char *line = txt, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        CU_ASSERT((size_t)(nl - line) <= 79);
    }
    free(txt);
}

static void test_data_and_script_are_written_beside_the_figure(void)
{
    size_t len;
    if (!have_gnuplot())
        return;
    plot_ok("fig.txt", "--x link.rate --y sink.goodput --by cc");
    char *dat = read_tmp("fig.dat", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dat);
    /* lia sorts before reno; lia at 10Mbps: 9 10 11 Mbps, mean 10, n 3. */
    CU_ASSERT_PTR_NOT_NULL(strstr(dat, "# series 0: cc=lia\n10 10 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(dat, "\n20 18 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(dat, "\n\n\n# series 1: cc=reno\n10 9 "));
    free(dat);
    char *gp = read_tmp("fig.gp", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set output 'fig.txt'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "plot 'fig.dat' index 0 using 1:2:3 with yerrorlines"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set xlabel 'link.rate (Mbps)'"));
    free(gp);
}

static void test_bad_names_list_the_valid_ones(void)
{
    char *out = NULL;
    CU_ASSERT_EQUAL(plot("x.png", "--x link.rat --y sink.goodput", &out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown parameter \"link.rat\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "cc link.rate"));
    free(out);
    CU_ASSERT_EQUAL(plot("x.png", "--x link.rate --y sink.godput", &out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "sink.delay sink.goodput"));
    free(out);
    CU_ASSERT_EQUAL(plot("x.gif", "--x link.rate --y sink.goodput", &out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "expected png, svg, pdf or txt"));
    free(out);
}

SUITE(plot, NULL, NULL,
      TEST(test_png_and_pdf_have_their_signatures),
      TEST(test_svg_parses_as_xml),
      TEST(test_txt_has_axes_ticks_and_units),
      TEST(test_data_and_script_are_written_beside_the_figure),
      TEST(test_bad_names_list_the_valid_ones))
