// The charting libraries the HTML report inlines (html_report.h): Vega, Vega-Lite and vega-embed, minified,
// at the versions pinned in web/package-lock.json. The build installs them with `npm ci` and turns them
// into a generated source (web/embed_assets.mjs), so the report opens with no network and the libraries
// cannot change under it between builds of the same commit.
#pragma once

#include <string>
#include <vector>

namespace wijksim {

struct ReportAsset {
  std::string name;     // npm package, e.g. "vega-lite"
  std::string version;  // as installed, e.g. "6.5.0"
  std::string script;   // the minified JavaScript, byte for byte
};

// In the order a page must load them (vega-lite and vega-embed use the global `vega`).
std::vector<ReportAsset> report_assets();

}  // namespace wijksim
