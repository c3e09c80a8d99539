/**
 * Static tables for Chinese name handling. Data only, no logic.
 */

/**
 * Toneless Hanyu Pinyin syllables (ü written 'v'), the 415 readings pinyin-pro 3.29 gives for
 * U+4E00–U+9FA5, less the interjections m, n, ng, hng that never spell a name syllable.
 */
export const PINYIN_SYLLABLES: ReadonlySet<string> = new Set(
  (
    'a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng ' +
    'cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu ' +
    'cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ' +
    'ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang ' +
    'gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao ' +
    'jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun ' +
    'kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai ' +
    'man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian ' +
    'niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ' +
    'ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru ' +
    'rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua ' +
    'shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ' +
    'ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu ' +
    'xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha ' +
    'zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu ' +
    'zuan zui zun zuo'
  ).split(' '),
);

/**
 * Romanisations of ü seen on registration forms and passports, mapped to the 'v' spelling
 * (passports since 2012 write 吕 as LYU; many systems write lue/nue for lüe/nüe).
 */
export const UMLAUT_VARIANTS: Readonly<Record<string, string>> = { lyu: 'lv', nyu: 'nv', lue: 'lve', nue: 'nve' };

/**
 * Compound (two-character) surnames, 复姓, from the 百家姓 and current registration practice.
 * A name starting with one of these has a two-character family name.
 */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set(
  (
    '欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 西门 百里 呼延 东郭 ' +
    '闻人 万俟 澹台 公冶 宗政 濮阳 太叔 申屠 钟离 闾丘 司空 亓官 司寇 子车 颛孙 巫马 公西 漆雕 乐正 壤驷 公良 拓跋 ' +
    '夹谷 宰父 谷梁 段干 东门 梁丘 左丘 第五 赫连 羊舌 微生 公羊 鲜于 单于 淳于 仲孙 叔孙 徐离'
  ).split(' '),
);

/**
 * The most frequent single-character surnames (roughly the top 100 of the Ministry of Public
 * Security name reports). Used only as a set, to guess the order of a pinyin-only name.
 */
export const COMMON_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟' +
  '谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';

/**
 * Traditional → simplified for characters frequent in names. Neither pinyin-pro nor any other
 * installed package converts scripts (pinyin-pro's addTraditionalDict only adds readings), so
 * this table is deliberately small; comparing toneless pinyin covers the rest (pinyin-pro reads
 * traditional characters: 張偉 → zhang wei).
 */
export const TRADITIONAL_TO_SIMPLIFIED: Readonly<Record<string, string>> = Object.fromEntries(
  [
    ...'張张陳陈劉刘楊杨黃黄趙赵吳吴孫孙馬马鄭郑許许羅罗謝谢韓韩馮冯鄧邓蕭萧葉叶蔣蒋蘇苏盧卢陸陆龍龙萬万錢钱鍾钟鐘钟',
    ...'陽阳劍剑濱滨銀银鋒锋崗岗嶺岭亞亚蘊蕴歐欧諸诸長长東东閻阎閆闫賈贾譚谭鄒邹顧顾龔龚嚴严湯汤賀贺聶聂倫伦區区鄺邝鄔邬',
    ...'偉伟華华國国軍军紅红麗丽濤涛強强輝辉鵬鹏傑杰剛刚鳳凤蘭兰雲云寧宁豐丰慶庆興兴貴贵發发愛爱義义',
    ...'嬌娇玲玲婷婷穎颖靜静潔洁瑩莹萍萍燕燕鳴鸣騰腾飛飞敏敏勝胜權权達达順顺榮荣聖圣寶宝貞贞蓮莲麗丽',
    ...'學学紀纪純纯綠绿維维綱纲經经紹绍網网縣县鎮镇鄉乡區区門门號号樓楼單单園园環环橋桥灣湾莊庄',
  ]
    .join('')
    .match(/../gu)!
    .map((pair) => [pair[0], pair[1]] as const)
    .filter(([t, s]) => t !== s),
);
