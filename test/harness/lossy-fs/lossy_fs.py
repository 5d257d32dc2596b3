#!/usr/bin/python3
"""lossy-fs: a FUSE filesystem that forgets everything not fsynced when it is killed.

Usage: lossy_fs.py BACKING MOUNTPOINT

BACKING is the "disk": it only ever holds what an fsync made durable. Writes live in this
process's memory until fsync/fdatasync of that file; names (create, mkdir, rename, unlink,
rmdir) sit in an ordered journal until an fsync of a directory they touch. SIGKILL = power cut.
See README.md beside this file for the model and its limits.
"""

import ctypes
import errno
import os
import random
import signal
import stat
import sys
import time
import traceback

from fusepy import FUSE, FuseOSError, Operations

PAGE = 4096
# Files fsynced before their name was durable, and open files whose name was removed durably:
# inodes with no durable name. Cleared at mount, as a filesystem frees orphans after a crash.
ORPHANS = '.lossy-fs-orphans'
ORPHANED = object()  # the "parent" of an orphan's durable location
# Looking this name up is a torn cut: some of what was pending reaches the disk, then the power goes.
TEAR = '/.lossy-fs-tear'
SECTOR = 512


class Node:
    __slots__ = (
        'ino', 'is_dir', 'mode', 'uid', 'gid', 'atime', 'mtime', 'ctime',
        'children', 'size', 'data', 'dirty', 'opens', 'loc',
    )

    def __init__(self, ino, is_dir, mode, uid=0, gid=0):
        self.ino = ino
        self.is_dir = is_dir
        self.mode = mode
        self.uid, self.gid = uid, gid
        now = time.time_ns()
        self.atime = self.mtime = self.ctime = now
        self.children = {} if is_dir else None
        self.size = 0
        self.data = None if is_dir else bytearray()  # None on a file: not read from the disk yet
        self.dirty = set()  # page numbers written since the last fsync
        self.opens = 0
        self.loc = None  # durable location: (parent Node | ORPHANED, name), None if none


class LossyFs(Operations):
    use_ns = True

    def __init__(self, backing):
        self.backing = os.path.abspath(backing)
        self.next_ino = 1
        self.handles = {}
        self.next_fh = 1
        self.journal = []  # pending namespace operations, oldest first
        orphans = os.path.join(self.backing, ORPHANS)
        if os.path.isdir(orphans):
            for name in os.listdir(orphans):
                os.unlink(os.path.join(orphans, name))
        self.root = self._load(self.backing, None, '')

    # --- the durable side ---------------------------------------------------------------

    def _new_ino(self):
        ino = self.next_ino
        self.next_ino += 1
        return ino

    def _load(self, path, parent, name):
        st = os.lstat(path)
        node = Node(self._new_ino(), stat.S_ISDIR(st.st_mode), st.st_mode, st.st_uid, st.st_gid)
        node.atime, node.mtime, node.ctime = st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns
        node.loc = (parent, name) if parent is not None else None
        if node.is_dir:
            for child in sorted(os.listdir(path)):
                if parent is None and child == ORPHANS:
                    continue
                cpath = os.path.join(path, child)
                if stat.S_ISDIR(os.lstat(cpath).st_mode) or stat.S_ISREG(os.lstat(cpath).st_mode):
                    node.children[child] = self._load(cpath, node, child)
        else:
            node.size = st.st_size
            node.data = None
        return node

    def _bpath(self, node):
        """Where the node's durable content is on the backing folder, or None."""
        if node is self.root:
            return self.backing
        if node.loc is None:
            return None
        parent, name = node.loc
        if parent is ORPHANED:
            return os.path.join(self.backing, ORPHANS, name)
        return os.path.join(self._bpath(parent), name)

    def _content(self, node):
        if node.data is None:
            with open(self._bpath(node), 'rb') as f:
                node.data = bytearray(f.read())
            node.size = len(node.data)
        return node.data

    def _orphan(self, node):
        """Moves a durable inode that lost its last durable name out of the namespace."""
        src = self._bpath(node)
        if node.opens == 0 or node.is_dir:
            os.unlink(src) if not node.is_dir else os.rmdir(src)
            node.loc = None
            return
        os.makedirs(os.path.join(self.backing, ORPHANS), exist_ok=True)
        name = 'ino-%d' % node.ino
        os.rename(src, os.path.join(self.backing, ORPHANS, name))
        node.loc = (ORPHANED, name)

    def _sync_file(self, node):
        if node.data is None:
            return
        target = self._bpath(node)
        if target is None:  # fsynced before its name is durable: an orphan until then
            os.makedirs(os.path.join(self.backing, ORPHANS), exist_ok=True)
            node.loc = (ORPHANED, 'ino-%d' % node.ino)
            target = self._bpath(node)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, node.mode & 0o7777)
        try:
            data = node.data
            for page in sorted(node.dirty):
                start = page * PAGE
                if start < len(data):
                    os.pwrite(fd, bytes(data[start:start + PAGE]), start)
            if os.fstat(fd).st_size != len(data):
                os.ftruncate(fd, len(data))
        finally:
            os.close(fd)
        node.dirty.clear()

    def _commit(self, op):
        kind = op[0]
        if kind in ('create', 'mkdir'):
            _, parent, name, node = op
            dst = os.path.join(self._bpath(parent), name)
            if kind == 'mkdir':
                os.mkdir(dst, node.mode & 0o7777)
            elif node.loc is not None and node.loc[0] is ORPHANED:
                os.rename(self._bpath(node), dst)
            else:
                os.close(os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, node.mode & 0o7777))
            node.loc = (parent, name)
        elif kind in ('unlink', 'rmdir'):
            self._orphan(op[3])
        elif kind == 'rename':
            _, _, _, new_parent, new_name, node, replaced = op
            dst = os.path.join(self._bpath(new_parent), new_name)
            if replaced is not None and replaced.loc == (new_parent, new_name):
                if replaced.is_dir:
                    os.rmdir(dst)
                    replaced.loc = None
                elif replaced.opens > 0:
                    self._orphan(replaced)
                else:
                    replaced.loc = None  # os.rename below replaces it
            os.rename(self._bpath(node), dst)
            node.loc = (new_parent, new_name)

    def _sync_dir(self, directory):
        """A directory fsync commits the journal up to the last operation on that directory,
        in order, as a journaling filesystem commits its log."""
        last = -1
        for i, op in enumerate(self.journal):
            if directory in (op[1], op[3] if op[0] == 'rename' else None):
                last = i
        ops, self.journal = self.journal[: last + 1], self.journal[last + 1 :]
        for op in ops:
            self._commit(op)

    def _tear(self):
        """A power cut on a disk that had written part of its cache: each pending sector and each
        pending size reaches the disk or not by a coin toss, and a random prefix of the journal
        commits. Then the layer dies; the request that asked for this never gets an answer."""
        rnd = random.Random()
        kept_ops = rnd.randint(0, len(self.journal))
        for op in self.journal[:kept_ops]:
            self._commit(op)
        nodes, stack = set(self.handles.values()), [self.root]
        while stack:
            node = stack.pop()
            nodes.add(node)
            if node.is_dir:
                stack.extend(node.children.values())
        pending = kept = 0
        for node in nodes:
            target = self._bpath(node)
            if node.is_dir or node.data is None or target is None:
                continue
            fd = os.open(target, os.O_WRONLY)
            try:
                if os.fstat(fd).st_size != len(node.data) and rnd.random() < 0.5:
                    os.ftruncate(fd, len(node.data))
                size = os.fstat(fd).st_size
                for page in node.dirty:
                    for at in range(page * PAGE, min((page + 1) * PAGE, len(node.data), size), SECTOR):
                        pending += 1
                        if rnd.random() < 0.5:
                            kept += 1
                            os.pwrite(fd, bytes(node.data[at:at + SECTOR]), at)
            finally:
                os.close(fd)
        print('lossy-fs: torn: %d of %d pending sectors and %d of %d journal entries reached the disk'
              % (kept, pending, kept_ops, len(self.journal)), flush=True)

    # --- the view ----------------------------------------------------------------------

    def _lookup(self, path):
        node = self.root
        for part in path.strip('/').split('/'):
            if not part:
                continue
            if not node.is_dir:
                raise FuseOSError(errno.ENOTDIR)
            node = node.children.get(part)
            if node is None:
                raise FuseOSError(errno.ENOENT)
        return node

    def _parent(self, path):
        head, name = os.path.split(path.rstrip('/'))
        parent = self._lookup(head)
        if not parent.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        return parent, name

    def _node(self, path, fh):
        return self.handles[fh] if fh is not None and fh in self.handles else self._lookup(path)

    def _open(self, node):
        fh = self.next_fh
        self.next_fh += 1
        self.handles[fh] = node
        node.opens += 1
        return fh

    def init(self, path):
        print('lossy-fs: mounted', flush=True)

    def getattr(self, path, fh=None):
        if path == TEAR:
            try:
                self._tear()
            except Exception:
                traceback.print_exc()
            os._exit(0)  # the power goes even if writing the torn part failed
        node = self._node(path, fh)
        size = (len(node.data) if node.data is not None else node.size) if not node.is_dir else 4096
        return {
            'st_ino': node.ino,
            'st_mode': node.mode,
            'st_nlink': 2 if node.is_dir else 1,
            'st_uid': node.uid,
            'st_gid': node.gid,
            'st_size': size,
            'st_blocks': (size + 511) // 512,
            'st_atime': node.atime,
            'st_mtime': node.mtime,
            'st_ctime': node.ctime,
        }

    def readdir(self, path, fh):
        return ['.', '..'] + list(self._lookup(path).children)

    def statfs(self, path):
        st = os.statvfs(self.backing)
        return {k: getattr(st, k) for k in (
            'f_bsize', 'f_frsize', 'f_blocks', 'f_bfree', 'f_bavail',
            'f_files', 'f_ffree', 'f_favail', 'f_flag', 'f_namemax')}

    def mkdir(self, path, mode):
        parent, name = self._parent(path)
        if name in parent.children:
            raise FuseOSError(errno.EEXIST)
        node = Node(self._new_ino(), True, stat.S_IFDIR | (mode & 0o7777))
        parent.children[name] = node
        parent.mtime = node.ctime
        self.journal.append(('mkdir', parent, name, node))

    def rmdir(self, path):
        parent, name = self._parent(path)
        node = parent.children.get(name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        if not node.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        if node.children:
            raise FuseOSError(errno.ENOTEMPTY)
        del parent.children[name]
        self.journal.append(('rmdir', parent, name, node))

    def create(self, path, mode, fi=None):
        parent, name = self._parent(path)
        if name in parent.children:
            node = parent.children[name]
        else:
            node = Node(self._new_ino(), False, stat.S_IFREG | (mode & 0o7777))
            parent.children[name] = node
            self.journal.append(('create', parent, name, node))
        return self._open(node)

    def open(self, path, flags):
        node = self._lookup(path)
        if flags & os.O_TRUNC:
            self.truncate(path, 0)
        return self._open(node)

    def opendir(self, path):
        return 0

    def release(self, path, fh):
        node = self.handles.pop(fh, None)
        if node is None:
            return
        node.opens -= 1
        if node.opens == 0 and node.loc is not None and node.loc[0] is ORPHANED:
            unnamed = all(op[3] is not node for op in self.journal if op[0] == 'create')
            if unnamed:  # an orphan nobody holds: freed, as on a real filesystem
                os.unlink(self._bpath(node))
                node.loc = None

    def read(self, path, size, offset, fh):
        data = self._content(self._node(path, fh))
        return bytes(data[offset:offset + size])

    def write(self, path, buf, offset, fh):
        node = self._node(path, fh)
        data = self._content(node)
        end = offset + len(buf)
        first = min(offset, len(data)) // PAGE
        if offset > len(data):
            data.extend(bytes(offset - len(data)))
        data[offset:end] = buf
        node.dirty.update(range(first, (end - 1) // PAGE + 1))
        node.mtime = node.ctime = time.time_ns()
        return len(buf)

    def truncate(self, path, length, fh=None):
        node = self._node(path, fh)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        data = self._content(node)
        if length < len(data):
            del data[length:]
        elif length > len(data):
            node.dirty.update(range(len(data) // PAGE, (length - 1) // PAGE + 1))
            data.extend(bytes(length - len(data)))
        node.mtime = node.ctime = time.time_ns()

    def flush(self, path, fh):
        return 0  # close() makes nothing durable

    def fsync(self, path, datasync, fh):
        self._sync_file(self._node(path, fh))

    def fsyncdir(self, path, datasync, fh):
        self._sync_dir(self._lookup(path))

    def unlink(self, path):
        parent, name = self._parent(path)
        node = parent.children.get(name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        del parent.children[name]
        self.journal.append(('unlink', parent, name, node))

    def rename(self, old, new):
        old_parent, old_name = self._parent(old)
        new_parent, new_name = self._parent(new)
        node = old_parent.children.get(old_name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        replaced = new_parent.children.get(new_name)
        if replaced is node:
            return
        if replaced is not None and replaced.is_dir and replaced.children:
            raise FuseOSError(errno.ENOTEMPTY)
        del old_parent.children[old_name]
        new_parent.children[new_name] = node
        self.journal.append(('rename', old_parent, old_name, new_parent, new_name, node, replaced))

    # Mode, owner and times reach the disk at once where the inode has a durable name: nothing in
    # Lifeline depends on their durability, and journaling them would only add code.
    def chmod(self, path, mode):
        node = self._lookup(path)
        node.mode = (node.mode & ~0o7777) | (mode & 0o7777)
        if self._bpath(node):
            os.chmod(self._bpath(node), mode & 0o7777)

    def chown(self, path, uid, gid):
        node = self._lookup(path)
        node.uid = uid if uid != -1 else node.uid
        node.gid = gid if gid != -1 else node.gid

    def utimens(self, path, times=None):
        node = self._lookup(path)
        now = time.time_ns()
        node.atime, node.mtime = times if times else (now, now)

    def link(self, target, source):
        raise FuseOSError(errno.EPERM)

    def symlink(self, target, source):
        raise FuseOSError(errno.EPERM)


def die_with_parent():
    # If the test runner dies, the mount goes with it (SIGTERM: libfuse unmounts on its way out).
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:
        sys.exit(1)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: lossy_fs.py BACKING MOUNTPOINT')
    die_with_parent()
    FUSE(
        LossyFs(sys.argv[1]),
        sys.argv[2],
        foreground=True,
        nothreads=True,
        fsname='lossy-fs',
        subtype='lossy',
        use_ino=True,
        hard_remove=True,
        big_writes=True,
    )
