package dev.mediaferry.targets;

/** What the target knows of one file. */
public record RemoteStat(long size, long mtimeMillis, boolean directory) {}
