// verify-error-schema: every 4xx/5xx response body is the shared Error schema.
// "Shared" means the schema is a $ref to it, found with Spectral's own $ref map rather than by
// comparing shapes (a copy of Error is not Error, and would drift): in a single file or the bundle
// the schema lives at #/components/schemas/Error; in the split source it is the whole of a file
// named Error.yaml under schemas/.
export default function sharedErrorSchema(response, _options, { path, documentInventory }) {
  const content = response?.content;
  if (content === null || typeof content !== "object" || Object.keys(content).length === 0) {
    return [{ message: "An error response (4xx/5xx) must have a body that uses the shared Error schema" }];
  }
  // Reported at the media type, not the schema: Spectral places a finding at the end of any $ref,
  // and a wrong $ref is to be fixed where it is written, not in the file it points to.
  return Object.keys(content)
    .filter(
      (mediaType) =>
        !isSharedError(documentInventory.findAssociatedItemForPath([...path, "content", mediaType, "schema"], true)),
    )
    .map((mediaType) => ({
      message: "An error response (4xx/5xx) must use the shared Error schema ($ref to components/schemas/Error)",
      path: [...path, "content", mediaType],
    }));
}

function isSharedError(item) {
  if (item === null) return false;
  const where = item.path.join("/");
  if (where === "components/schemas/Error") return true;
  return where === "" && /[\\/]schemas[\\/]Error\.ya?ml$/.test(item.document.source ?? "");
}
