import { NotFoundMessage } from "@/components/not-found-message";

// Unknown pages and resources of a team, inside the team's layout (nav and all); Next answers 404.
export default function TeamNotFound() {
  return <NotFoundMessage />;
}
