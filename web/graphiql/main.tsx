import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { parse } from "graphql";
import { createClient } from "graphql-ws";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { createRoot } from "react-dom/client";

// Monaco runs its language services in web workers; they are bundled next to this file.
const assets = new URL(".", import.meta.url);
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    const name = label === "json" || label === "graphql" ? label : "editor";
    return new Worker(new URL(`${name}.worker.js`, assets));
  },
};

const endpoint = new URL("/graphql", window.location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

const welcome = `# Welcome to the outpaint server.
#
# The tabs hold example operations: run one with the play button (Ctrl-Enter).
# Upload an image with
#   curl -H 'Content-Type: image/png' --data-binary @photo.png ${endpoint.origin}/v1/images
# then put its id into the "Outpaint" tab's variables, run it, and follow it in "Follow a job".
# The playground at ${endpoint.origin}/ does all of this with a form.
#
# API keys: when the server has keys, open "Headers" below and enter
#   { "Authorization": "Bearer opk_..." }
# It is sent with every request and, for subscriptions, in the WebSocket's connection_init.

query Tunes {
  tunes {
    totalCount
    nodes { id title kind backend isDefault }
  }
}
`;

const tabs = [
  { query: welcome },
  {
    query: `mutation Outpaint($input: OutpaintInput!) {
  createOutpaintJob(input: $input) {
    id status width height
    passes { number width height top right bottom left }
  }
}
`,
    variables: JSON.stringify({ input: { image: { id: "<image id>" }, extend: { right: 256, top: 64 }, blur: 8 } }, null, 2),
  },
  {
    query: `subscription FollowJob($id: ID!) {
  jobUpdated(id: $id) {
    status stage
    progress { pass passCount step totalSteps percent etaSeconds }
    preview { url }
    result { url width height }
    error { code message field }
  }
}
`,
    variables: JSON.stringify({ id: "<job id>" }, null, 2),
  },
  { query: `query RecentJobs {\n  jobs(first: 10) {\n    totalCount\n    nodes { id status stage width height createdAt result { url } }\n  }\n}\n` },
];

const http = createGraphiQLFetcher({ url: endpoint.href });

/** Subscriptions go over graphql-ws with the header editor's values as connection_init payload, so keys work there too. */
const fetcher: Fetcher = (params, options) => {
  if (!isSubscription(params.query, params.operationName)) return http(params, options);
  const client = createClient({ url: socket.href, connectionParams: options?.headers ?? {}, lazyCloseTimeout: 0 });
  const updates = client.iterate({ query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined });
  // graphql-ws yields formatted results (plain errors); GraphiQL only displays them.
  return (async function* () {
    try {
      yield* updates;
    } finally {
      await client.dispose();
    }
  })() as unknown as ReturnType<Fetcher>;
};

function isSubscription(query: string, operationName: string | null | undefined): boolean {
  try {
    const operations = parse(query).definitions.filter((definition) => definition.kind === "OperationDefinition");
    const chosen = operations.find((operation) => operation.name?.value === operationName) ?? operations[0];
    return chosen?.operation === "subscription";
  } catch {
    return false;
  }
}

createRoot(document.getElementById("graphiql")!).render(<GraphiQL fetcher={fetcher} defaultTabs={tabs} />);
