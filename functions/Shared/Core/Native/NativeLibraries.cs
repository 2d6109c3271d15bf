using System.Runtime.InteropServices;

namespace DisasterRecovery.Core.Native;

/// <summary>
/// The one loader of the system libraries the data path calls into (libzstd, libpq): the first of the
/// given names that loads, with its exports bound by the given function. Null when none loads or an
/// export is missing (an older library): the caller then takes its managed fallback. Nothing else decides.
/// </summary>
public static class NativeLibraries
{
    public static T? TryBind<T>(IEnumerable<string> names, Func<IntPtr, T> bind)
        where T : class
    {
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                continue;
            }

            try
            {
                return bind(handle);
            }
            catch (EntryPointNotFoundException)
            {
                NativeLibrary.Free(handle);
                return null;
            }
        }

        return null;
    }

    /// <summary>An export of a loaded library (throws <see cref="EntryPointNotFoundException"/> when absent).</summary>
    public static IntPtr Export(IntPtr handle, string name) => NativeLibrary.GetExport(handle, name);
}
