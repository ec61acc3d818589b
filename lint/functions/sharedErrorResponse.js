// verify-shared-error-response: every 4xx/5xx response is a $ref to a shared response (components/responses, or a
// file under responses/ in the split source), so one status has one description of its codes, headers and examples
// wherever it is answered, and a new code or header is added in one place.
export default function sharedErrorResponse(_response, _options, { path, documentInventory }) {
  const item = documentInventory.findAssociatedItemForPath(path, true);
  if (item === null || isSharedResponse(item)) return [];
  return [
    {
      message:
        "An error response (4xx/5xx) must be a $ref to a shared response in components/responses, not written inline",
    },
  ];
}

function isSharedResponse(item) {
  if (item.path.length === 3 && item.path[0] === "components" && item.path[1] === "responses") return true;
  return item.path.length === 0 && /[\\/]responses[\\/][^\\/]+\.ya?ml$/.test(item.document.source ?? "");
}
