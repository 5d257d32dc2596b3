// The Containers screen: every engine's containers (`#/containers`), or one of them
// (`#/containers/<engine>/<name>`).
import { registerMessages } from '../i18n/index.js';
import { ContainerDetail } from './ContainerDetail.js';
import { ContainerList } from './ContainerList.js';
import { containersMessages } from './messages.js';
import './containers.css';

registerMessages(containersMessages);

export function ContainersScreen({ params }: { params: string[] }) {
  if (params.length >= 2) return <ContainerDetail engine={params[0]!} name={params.slice(1).join('/')} />;
  return <ContainerList />;
}
