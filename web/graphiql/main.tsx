import { createGraphiQLFetcher } from "@graphiql/toolkit";
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

const exampleQuery = `# Welcome to the outpaint server.
#
# Run the query below with the play button (Ctrl-Enter). Upload an image with
#   curl -H 'Content-Type: image/png' --data-binary @photo.png ${endpoint.origin}/v1/images
# then outpaint it:
#
# mutation { createOutpaintJob(input: { image: { id: "<image id>" }, extend: { right: 256 } }) { id status } }
# subscription { jobUpdated(id: "<job id>") { status stage progress { step totalSteps percent } result { url } } }

query Tunes {
  tunes {
    totalCount
    nodes { id title kind backend isDefault }
  }
}
`;

const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: socket.href });

createRoot(document.getElementById("graphiql")!).render(<GraphiQL fetcher={fetcher} defaultQuery={exampleQuery} />);
