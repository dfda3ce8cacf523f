/* The inline CSS and script of the HTML report (html_assets.c). */
#ifndef RL_HTML_ASSETS_H
#define RL_HTML_ASSETS_H

/* Findings per page; the page's first findings beyond it are written
 * hidden, so a browser lays out one page before the script runs. */
#define RL_HTML_PAGE_SIZE 100

extern const char rl_html_style[];
extern const char rl_html_script[];

#endif
