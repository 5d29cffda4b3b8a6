// MSBuild task: make libLibTorchSharp.so loadable on systems whose libstdc++ lacks GLIBCXX_3.4.32.
// The library is linked against GCC 13's libstdc++ but its only symbol under that version
// (_ZSt21ios_base_library_initv) is a link-time marker. Marking the version requirement WEAK
// (VER_FLG_WEAK = 0x2 in vna_flags of the .gnu.version_r entry) lets the dynamic loader accept it.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchLibTorchSharp : Task
{
    [Required] public string Directory { get; set; } = "";
    const string Version = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
            || SystemHasVersion()) return true;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(path);
            int changed = MarkWeak(bytes);
            if (changed < 0) { Log.LogWarning($"{path}: not an ELF64 file with .gnu.version_r; left unpatched"); continue; }
            if (changed == 0) continue;
            var tmp = path + ".patching";
            File.WriteAllBytes(tmp, bytes);
            File.Delete(path); // unlinks any hard link to the package cache
            File.Move(tmp, path);
            Log.LogMessage(MessageImportance.High, $"Patched {path}: {Version} requirement marked weak");
        }
        return true;
    }

    static bool SystemHasVersion()
    {
        var needle = Encoding.ASCII.GetBytes(Version);
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" })
        {
            var lib = Path.Combine(dir, "libstdc++.so.6");
            if (!File.Exists(lib)) continue;
            var data = File.ReadAllBytes(lib);
            return IndexOf(data, needle) >= 0;
        }
        return false;
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    // Returns the number of entries changed, or -1 when the file is not as expected.
    static int MarkWeak(byte[] b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[4] != 2 /* ELFCLASS64 */) return -1;
        long shoff = BitConverter.ToInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(b, (int)sh + 4) != 0x6ffffffe) continue; // SHT_GNU_verneed
            long off = BitConverter.ToInt64(b, (int)sh + 24);
            int link = BitConverter.ToInt32(b, (int)sh + 40), count = BitConverter.ToInt32(b, (int)sh + 44);
            long strOff = BitConverter.ToInt64(b, (int)(shoff + (long)link * shentsize) + 24);
            int changed = 0;
            long vn = off;
            for (int n = 0; n < count; n++)
            {
                int cnt = BitConverter.ToUInt16(b, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(b, (int)vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    long nameOff = strOff + BitConverter.ToUInt32(b, (int)aux + 8);
                    int end = Array.IndexOf(b, (byte)0, (int)nameOff);
                    var name = Encoding.ASCII.GetString(b, (int)nameOff, end - (int)nameOff);
                    ushort flags = BitConverter.ToUInt16(b, (int)aux + 4);
                    if (name == Version && (flags & 2) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | 2)).CopyTo(b, (int)aux + 4);
                        changed++;
                    }
                    aux += BitConverter.ToUInt32(b, (int)aux + 12);
                }
                vn += BitConverter.ToUInt32(b, (int)vn + 12);
            }
            return changed;
        }
        return -1;
    }
}
