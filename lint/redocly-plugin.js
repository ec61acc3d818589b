// Redocly reads `x-` extensions as untyped values; this tells it that the root's `x-unrouted-responses` is a map of
// status -> Response, like an operation's `responses`, so that bundling hoists its $refs into components (instead
// of inlining them) and `no-unused-components` sees those components used.
export default function verifyClientPlugin() {
  return {
    id: "verify-client",
    typeExtension: {
      oas3(types) {
        return {
          ...types,
          Root: { ...types.Root, properties: { ...types.Root.properties, "x-unrouted-responses": "Responses" } },
        };
      },
    },
  };
}
