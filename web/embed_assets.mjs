// Turns the charting libraries that `npm ci` installed (versions pinned in package-lock.json) into a C++
// source, so the HTML report can inline them and open with no network.
//
// Usage: node embed_assets.mjs NODE_MODULES OUTPUT.cpp
//
// The bytes go into many short string literals rather than one: GCC is slow and memory-hungry on a single
// literal of a megabyte, and each piece keeps its exact length, so nothing is lost or re-encoded.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [nodeModules, output] = process.argv.slice(2);
if (!nodeModules || !output) {
  console.error('usage: node embed_assets.mjs NODE_MODULES OUTPUT.cpp');
  process.exit(2);
}

// In the order the page loads them: vega-lite and vega-embed use the global `vega`.
const assets = [
  { name: 'vega', file: 'build/vega.min.js' },
  { name: 'vega-lite', file: 'build/vega-lite.min.js' },
  { name: 'vega-embed', file: 'build/vega-embed.min.js' },
];
const kChunk = 8192;

// One byte as C++ source: printable ASCII as itself, everything else as a three-digit octal escape
// (never followed by a digit that could extend it). '?' is escaped too, so no trigraph can ever form.
function escapeByte(b) {
  if (b === 0x5c) return '\\\\';
  if (b === 0x22) return '\\"';
  if (b === 0x0a) return '\\n';
  if (b >= 0x20 && b < 0x7f && b !== 0x3f) return String.fromCharCode(b);
  return '\\' + b.toString(8).padStart(3, '0');
}

let out = `// Generated at build time by web/embed_assets.mjs from the npm packages pinned in
// web/package-lock.json. Do not edit; see engine/wijksim/report_assets.h.
#include "wijksim/report/report_assets.h"

#include <cstddef>
#include <string_view>

namespace wijksim {
namespace {
`;
const entries = [];
assets.forEach((a, i) => {
  const dir = join(nodeModules, a.name);
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  const bytes = readFileSync(join(dir, a.file));
  // The page inlines each script in a <script> element, which these sequences would end or disturb.
  const bad = bytes.toString('latin1').match(/<\/script|<!--|<script/i);
  if (bad) {
    console.error(`${a.name} ${version} contains '${bad[0]}', which cannot be inlined in a <script> element`);
    process.exit(1);
  }
  out += `// ${a.name} ${version}: ${a.file}, ${bytes.length} bytes\n`;
  out += `constexpr std::string_view kAsset${i}[] = {\n`;
  for (let start = 0; start < bytes.length; start += kChunk) {
    const piece = bytes.subarray(start, Math.min(start + kChunk, bytes.length));
    let text = '';
    for (const b of piece) text += escapeByte(b);
    out += `    std::string_view("${text}", ${piece.length}),\n`;
  }
  out += '};\n';
  entries.push({ name: a.name, version, index: i, size: bytes.length });
});
out += `
template <std::size_t N>
std::string join(const std::string_view (&pieces)[N], std::size_t size) {
  std::string s;
  s.reserve(size);
  for (std::string_view p : pieces) s += p;
  return s;
}

}  // namespace

std::vector<ReportAsset> report_assets() {
  return {
${entries.map((e) => `      {"${e.name}", "${e.version}", join(kAsset${e.index}, ${e.size})},`).join('\n')}
  };
}

}  // namespace wijksim
`;
// Written next to the target and renamed, so an interrupted build never leaves half a source.
writeFileSync(output + '.tmp', out);
renameSync(output + '.tmp', output);
