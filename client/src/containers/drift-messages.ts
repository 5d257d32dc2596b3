// Image drift's words: what the next pull or recreate would change for this container.
import { defineMessages } from '../i18n/define.js';

export const driftMessages = defineMessages({
  en: {
    'containers.drift.recreate': 'Image changes on recreate',
    'containers.drift.recreateWhy':
      'Its tag now points to another image ({image}): the next recreate runs that one.',
    'containers.drift.missing': 'The image it was created from is gone: the next recreate pulls or fails.',
    'containers.drift.pull': 'Its tag moves: the next pull may change what it runs.',
    'containers.drift.current': 'Runs what its tag points to.',
    'containers.drift.pinned': 'Pinned to a digest: a pull changes nothing.',
  },
  'zh-Hans': {
    'containers.drift.recreate': '重建时镜像会变',
    'containers.drift.recreateWhy': '其标签现在指向另一个镜像（{image}）：下次重建将运行该镜像。',
    'containers.drift.missing': '创建它的镜像已不存在：下次重建会拉取或失败。',
    'containers.drift.pull': '其标签会移动：下次拉取可能改变它运行的内容。',
    'containers.drift.current': '运行的正是标签所指的镜像。',
    'containers.drift.pinned': '已固定到摘要：拉取不会改变任何内容。',
  },
  'zh-Hant': {
    'containers.drift.recreate': '重建時映像會變',
    'containers.drift.recreateWhy': '其標籤現在指向另一個映像（{image}）：下次重建將執行該映像。',
    'containers.drift.missing': '建立它的映像已不存在：下次重建會拉取或失敗。',
    'containers.drift.pull': '其標籤會移動：下次拉取可能改變它執行的內容。',
    'containers.drift.current': '執行的正是標籤所指的映像。',
    'containers.drift.pinned': '已固定到摘要：拉取不會改變任何內容。',
  },
});
