## src/engine: backend interface, outbox, router, rules, IPC, sim.
src_libsmsinbox_la_SOURCES += src/engine/backend.h
