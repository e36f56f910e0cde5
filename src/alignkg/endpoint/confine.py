"""Taking network access away from a query worker process, below every library in it.

Oxigraph sends SERVICE requests from its own Rust HTTP client, so replacing Python's socket
functions would not stop it. A seccomp filter does: once installed, the kernel refuses to create
IPv4 or IPv6 sockets in this process and every thread it has or starts, whatever code asks. The
worker's pipe to the server was opened before and keeps working. Linux on x86-64 or arm64 only.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct
import sys

# struct seccomp_data: nr at offset 0, arch at 4, args[0] at 16 (its low 32 bits, little-endian).
_ARCHES = {
    # machine: (AUDIT_ARCH value, __NR_socket, __NR_seccomp)
    "x86_64": (0xC000003E, 41, 317),
    "aarch64": (0xC00000B7, 198, 277),
}
_IO_URING_SETUP = 425  # the same number on both; io_uring can open sockets without socket(2)
_X32_BIT = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06


def _filter(arch: int, socket_nr: int) -> bytes:
    """The BPF program: refuse AF_INET / AF_INET6 sockets, io_uring, and other ABIs' calls."""
    deny = _RET_ERRNO | errno.EACCES
    program = [  # (code, jump if true, jump if false, k); jumps count from the next instruction
        (_LD_W_ABS, 0, 0, 4),  # 0: A = arch
        (_JEQ_K, 1, 0, arch),  # 1: native ABI -> 3
        (_RET_K, 0, 0, deny),  # 2: another ABI (i386): refused
        (_LD_W_ABS, 0, 0, 0),  # 3: A = syscall number
        (_JGE_K, 6, 0, _X32_BIT),  # 4: x32 numbering -> 11
        (_JEQ_K, 5, 0, _IO_URING_SETUP),  # 5: io_uring_setup -> 11
        (_JEQ_K, 0, 3, socket_nr),  # 6: socket(2) -> 7, anything else -> 10
        (_LD_W_ABS, 0, 0, 16),  # 7: A = domain
        (_JEQ_K, 2, 0, socket.AF_INET),  # 8: AF_INET -> 11
        (_JEQ_K, 1, 0, socket.AF_INET6),  # 9: AF_INET6 -> 11
        (_RET_K, 0, 0, _RET_ALLOW),  # 10: allowed
        (_RET_K, 0, 0, deny),  # 11: refused with EACCES
    ]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def confine_network() -> str | None:
    """Refuse IP sockets to this process from now on; returns None when done, else why not.

    Irreversible by design: a process cannot lift its own seccomp filter.
    """
    machine = platform.machine()
    if not sys.platform.startswith("linux") or machine not in _ARCHES:
        return f"no seccomp network filter on {sys.platform}/{machine}"
    arch, socket_nr, seccomp_nr = _ARCHES[machine]
    libc = ctypes.CDLL(None, use_errno=True)
    code = _filter(arch, socket_nr)
    instructions = ctypes.create_string_buffer(code, len(code))

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = _Program(len(code) // 8, ctypes.cast(instructions, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    result = libc.syscall(
        seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(program)
    )
    if result != 0:
        return f"seccomp() failed: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    return None
